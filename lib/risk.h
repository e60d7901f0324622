/*
 * risk.h - the policy's risk standard (§四(二) 风险等级标准) applied to
 * the current record of a sheet: risk_score, risk_level, risk_reasons.
 *
 * Everything comes from the policy: the score is the sum of the points of
 * the factors whose condition holds; the level is the first of the
 * policy's levels whose min the score reaches (the last level takes every
 * lower score); then every override that holds sets the level to its own
 * (when several hold, the one whose level comes first in the policy's
 * levels wins) and adds its name to the reasons.  The reasons are the
 * names of the factors that hold, in policy order, then those of the
 * overrides, separated by ';'.
 *
 * An ec_risk computes the three once per record of its sheet (keyed on
 * the sheet's record generation) and serves them to the sheet as hooks:
 * ec_risk_own when the tool writes the columns (risk-score),
 * ec_risk_provide when a tool reads them and the input may lack them
 * (visit-due, rollup).  An expression of the policy that reads a risk
 * column while it is being computed gets a blank, as a definition that
 * needs itself does in the sheet.
 *
 * Ownership: an ec_risk borrows the policy and the sheet and owns the
 * text of the reasons, which is valid until the next record.  Nothing here
 * prints, exits or fails: a policy that loaded has the three columns.
 */
#ifndef EC_RISK_H
#define EC_RISK_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "sheet.h"
#include "util.h"

struct ec_risk {
	const struct ec_policy *pol;
	int score_col;		/* the columns risk_score, risk_level, ... */
	int level_col;
	int reasons_col;

	/* The result for the record of generation gen of sheet. */
	int64_t score;
	int level;		/* value index in the risk_level vocabulary */
	struct ec_buf reasons;

	const struct ec_sheet *sheet;
	uint32_t gen;
	int state;		/* RISK_NONE, _SCORING, _LEVELLING or _DONE */
};

void ec_risk_init(struct ec_risk *r, const struct ec_policy *p);
void ec_risk_release(struct ec_risk *r);


/*
 * The tool writes the three columns: s computes them with r, and drops an
 * input field that holds one of them (so a second run replaces them).
 * Call after ec_sheet_bind.
 */
void ec_risk_own(struct ec_sheet *s, struct ec_risk *r);

/*
 * The tool reads the columns: each of the three that the input lacks and
 * nothing else computes is computed with r.  Returns how many.  Call
 * after ec_sheet_bind (and after ec_sheet_own, if the tool owns any).
 */
size_t ec_risk_provide(struct ec_sheet *s, struct ec_risk *r);

/*
 * Appends to msg one line for each column that r computes with s but
 * cannot: a column rules require (always, or when a condition holds)
 * that the risk expressions read, directly or through a definition of
 * the classify section, and that the input lacks; each is named once,
 * with what needs it and its header spellings.  Returns how many.  Nothing when r computes no column of s.
 */
size_t ec_risk_missing(struct ec_sheet *s, const struct ec_risk *r,
	const struct ec_sheet_rules *rules, struct ec_buf *msg);

#endif
