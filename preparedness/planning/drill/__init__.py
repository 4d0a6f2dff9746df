"""Drill logs: read a real drill's timestamped log, turn it into a trace, and fit the model to it.

One job per module: ``log`` parses and checks a log against its scenario, ``to_trace``
turns it into the engine's ``Trace`` (and an engine trace back into a log), ``replay``
places the drill in the simulated distribution, ``calibrate`` fits the scenario's delays to
it, ``whatif`` asks an intervention of the fitted scenario, ``summary`` reads the summary
form of staff call-down drills and ``aar`` drafts the after-action ratings.
"""
