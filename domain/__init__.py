"""The order core: entities, rules, commands, events and handlers. Standard library only."""
