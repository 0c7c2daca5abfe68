"""The annual work report 年度工作报告 (二(一), 三(三)): the joint meeting reports its year's
work to the county government. The office drafts it from the data, edits it and issues it."""
