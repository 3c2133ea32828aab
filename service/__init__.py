"""Document service for safety-production campaigns: numbered GB/T 9704 DOCX and PDF.

The core (kinds, render, register, issuing, batches, bulletins) knows nothing of Flask;
service.app builds the web application around it."""
