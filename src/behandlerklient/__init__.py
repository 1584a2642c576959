"""Behandlerklient: journal for the municipal easy-access treatment offer for children and young people."""

__version__ = "0.1.0"
APP_NAME = "Behandlerklient"
APP_ID = "dk.behandlerklient.Behandlerklient"
ORG_NAME = "Behandlerklient"
