"""Planning with the simulation: what to hold where (stockpile sizing) for a service level.

Planning sits above the experiment layer (it runs replications to answer a planning
question) and below reports, which render its results.
"""
