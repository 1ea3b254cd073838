"""The evaluation: every model on every test playlist in the ten challenge scenarios, typed queries, the
qualitative report and the optional LLM baseline (`run.run_evaluation` joins them for the eval stage).

Nothing is imported here; modules and what they may import are listed in docs/DESIGN.md.
"""
