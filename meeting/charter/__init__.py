"""The charter: the joint meeting, its member units and their duties, loaded from data."""
