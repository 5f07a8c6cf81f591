"""What the tests share, and nothing else: no test lives here, and no test imports another test.

- `cli`: the `editorial` command run in this process (`run_cli`) or as a process (`run_editorial`)
- `clock`: the day every test runs on (EDITORIAL_TODAY), and what the sample project says on it
- `site_html`: the repository's sample project copied and built with `mkdocs build`; HTML read as nodes
- `gate_content`: approved and unpublishable articles for the publish-gate tests
- `repo`: a real git repository with a registry and a policy on `main`; a fictional article for it
- `gitrepos`: that repository run in-process for the merge and review tests; GitHub review objects
- `github_markdown`: Markdown as GitHub renders it (cmark-gfm), for the job summary
- `retraction_watch`: small fictional Retraction Watch snapshots and articles citing their papers
- `workflows`: the GitHub workflow files, read as GitHub reads them
- `positions`: where a piece of text sits in a file (line and column), as problems report it
- `browser`: Debian's Chromium through Playwright, a built site served over HTTP, a settled page
"""
