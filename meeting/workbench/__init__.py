"""The workbench 工作台: what each role sees first, charts, search and the stats API."""
