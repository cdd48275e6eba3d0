"""The public reader of published frameworks and its exports (issue 11, the reader part).

Everything here renders from an edition's frozen document (``Edition.content``) and its row,
never from the live tables: an edition's page and exports stay what was published, and cost a
fixed number of queries whatever the size of the framework.
"""
