"""The conversation layer: text -> command (language), result -> neutral reply (replies), zh/en catalogs
(i18n), one chat turn (chat), and the ports front ends and transports are written against (ports,
delivery). Imports only the domain."""
