"""The department's own pages: members, recruitment, training, meetings, scores.

The top layer: it may import the base (``outreach``) and the apps (sponsors, events, jobs);
nothing below imports it. Its models stay in ``outreach.models``, where their migrations are.
"""
