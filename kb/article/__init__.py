"""``kb import-article``: plain text of a German report → reviewed draft records.

reading (text, title, sentences, dates) → quotes (quotations and their attribution) →
match (people, organisations, municipalities against existing records) → factors (candidate
codings from the codebook) → draft (records with ``review:`` marks).
"""
