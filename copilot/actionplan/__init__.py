"""The mutual action plan of an account (steps, dependencies, risks), carried across its calls; Qt-free."""
