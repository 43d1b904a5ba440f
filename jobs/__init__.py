"""Background jobs: a staff member's long work (whole-database exports, the cross-workshop
report's XLSX, certificates of a large workshop, a large import) run by a worker, with a page
that shows its progress and then the file to download (see ``jobs.models.Job``)."""
