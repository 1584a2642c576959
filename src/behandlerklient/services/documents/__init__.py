"""What leaves as a document for one child: letters to the GP (with the consent rule) and the record as PDF."""
