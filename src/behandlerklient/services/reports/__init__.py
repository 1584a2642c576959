"""Reports over many children: activity reports, the national monitoring export, the admin CLI's listings."""
