"""The monthly report (信访工作月报): requested on the desk, built on the task queue (figures from
the insights selectors, charts drawn as SVG here, printed by documents' WeasyPrint setup) and
kept for download. Who may read a report: anyone whose divisions cover the report's."""
