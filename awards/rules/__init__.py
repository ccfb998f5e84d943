"""Legal rules as code over dated data: money, eligibility, quotas, guards, duplicates."""
