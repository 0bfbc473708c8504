"""Deployment of trained officers: postings to stations or communes, retention in the programme's area after
certification, and coaching visits with their follow-up actions."""
