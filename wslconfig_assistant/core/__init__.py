"""What every layer shares: the exit codes and error types of the contract (errors), the Finding a
check reports (findings), what "comply" means (policy: the Policy a check judges against), and every
command the tool prints for the user to run, quoted for their shell (shellcommand).

May import: nothing of the package.
"""
