"""The CGI Camera integration."""
