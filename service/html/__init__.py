"""HTML pages: parse once, find the article body, strip chrome, keep metadata.

`extract.extract_html` is the entry point `service.clean` dispatches to. The
work is split by idea: `vocab` (the class/id words that mark chrome, as data),
`measure` (CJK-aware text lengths), `body` (which element holds the article),
`figures` (images and their captions), `blocks` (typed blocks in reading order).
"""
