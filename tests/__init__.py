"""Tests for CGI Camera."""
