"""The language server (`infralint server`, the `lsp` extra): nothing here is imported by a
plain `infralint check`."""
