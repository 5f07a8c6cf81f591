"""The article page. Placeholder: filled in by the article-page work."""


def markdown(build, markdown, page, config, files):
    return markdown


def context(build, context, page, config, nav):
    return context
