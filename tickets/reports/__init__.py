"""The organiser's report of an expo (laporan kegiatan): figures gathered from both domains, drawn as a
PDF and written as an XLSX workbook by a background job."""
