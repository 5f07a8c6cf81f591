"""The pure core: handed values, returns values. No git, no file system, no MkDocs."""
