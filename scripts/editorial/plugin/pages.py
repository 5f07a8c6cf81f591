"""Generated site pages. Placeholder: filled in by the article-page work."""


def add(build, files, config):
    return files
