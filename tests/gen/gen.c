/*
 * gen - synthetic census sheets (台账) and visit logs for the eldercare
 * tests, examples and benchmarks.
 *
 * usage:
 *	gen census [-n N] [-s SEED] [--as-of YYYY-MM-DD] [--errors PERMILLE]
 *	    [--canonical] [-v] > census.csv
 *	gen visits [-n N] [-s SEED] [--as-of YYYY-MM-DD]
 *	    [--visits-per-person K] [--errors PERMILLE] [--canonical] [-v]
 *	    > visits.csv
 *
 *	-n N		people in the census (default 1000)
 *	-s SEED		seed, an unsigned 64-bit number (default 1)
 *	--as-of DATE	"today" (default 2026-11-30): ages, visit dates and
 *			the health-check year are relative to it
 *	--errors P	P records per thousand (0-1000, default 0) get one
 *			typical data-officer mistake each
 *	-k, --visits-per-person K
 *			visits per person on average (0-30, default 3):
 *			left-behind people get more, some people none
 *	--canonical	canonical English header names and value tokens
 *			instead of the Chinese ones
 *	-v		say on stderr which line got which mistake
 *
 * Output is UTF-8 CSV with LF line ends.  Every person is synthetic:
 * names are drawn from common surnames and given-name characters, phone
 * numbers are random, ID numbers are made up but carry valid check
 * characters (GB 11643, ISO 7064 MOD 11-2) so that the tools accept them.
 * The output is a function of the arguments only: the generator uses its
 * own PRNG (splitmix64), never rand(), and no clock.
 *
 * The visit log refers to the same people as the census of the same N,
 * SEED and as-of date.  Each person is a function of (SEED, index) alone,
 * except for the sequence code of the ID number, which must be unique:
 * it comes from a small table of counters per (address code, birth date,
 * sex) that both commands fill in the same order.  So "gen visits"
 * regenerates the people one by one, as "gen census" does, without
 * storing the census; the table is a few hundred KiB whatever N is.
 * Census sequence codes are 001-900; 901-995 are left for the people of
 * the visit log who are not in the census, so they never collide.
 *
 * Mistakes (--errors) fall one per block of 1000/P records at a random
 * place in the block, so a small example gets about as many as asked for,
 * and they take their kinds in turn, so a small example shows many kinds.
 * They come from their own random stream: the people do not change with
 * --errors or --canonical.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Census sequence codes 001-900: 450 odd (men) and 450 even (women). */
#define SEQ_SLOTS	450
/* Sequence codes for visit-log people who are not in the census. */
#define SEQ_OUTSIDER_LO	901
#define SEQ_OUTSIDER_HI	995
/* Visits fall in this many days before the as-of date. */
#define VISIT_DAYS	120

static const char usage_text[] =
"usage: gen census [-n N] [-s SEED] [--as-of YYYY-MM-DD] [--errors PERMILLE]\n"
"                  [--canonical] [-v] > census.csv\n"
"       gen visits [-n N] [-s SEED] [--as-of YYYY-MM-DD]\n"
"                  [--visits-per-person K] [--errors PERMILLE] [--canonical]\n"
"                  [-v] > visits.csv\n"
"\n"
"Writes a synthetic census sheet of rural elderly in Ziyang (UTF-8 CSV,\n"
"Chinese headers) or the visit log of the same people (same N, SEED and\n"
"as-of date).  All people are made up.\n"
"\n"
"  -n N                      people in the census (default 1000)\n"
"  -s SEED                   seed (default 1)\n"
"  --as-of YYYY-MM-DD        today (default 2026-11-30)\n"
"  --errors PERMILLE         records in 1000 with one mistake (default 0)\n"
"  -k, --visits-per-person K average visits per person, 0-30 (default 3)\n"
"  --canonical               canonical English headers and value tokens\n"
"  -v                        on stderr, the line and kind of each mistake\n"
"  -h, --help                this text\n";

/* Options. */
static uint64_t	seed = 1;
static long	npeople = 1000;
static int	errors_pm;
static int	per_person = 3;
static int	canonical;
static int	verbose;
static int	asof_y = 2026, asof_m = 11, asof_d = 30;
static int32_t	asof;
static int32_t	year_start;		/* 1 January of the as-of year */

static void
die(const char *msg)
{
	fprintf(stderr, "gen: %s\n", msg);
	exit(2);
}

/*
 * Randomness: splitmix64.  Each person has independent streams whose
 * states are hashes of (seed, index, stream), so the census and the visit
 * log agree on them.
 */
struct rng {
	uint64_t s;
};

/*
 * The streams, named by their ASCII spelled in hex.  Each has its own
 * numbers, so that drawing more in one (a mistake, a style) never moves
 * what another draws: the people stay the same whatever the options.
 */
#define S_GEO		0x67656fULL		/* "geo": villages, visitors */
#define S_HABIT		0x6861626974ULL		/* "habit": date forms */
#define S_SEQ		0x736571ULL		/* "seq": ID sequence codes */
#define S_CORE		0x636f7265ULL		/* "core": the person */
#define S_STYLE		0x7374796c65ULL		/* "style": how it is typed */
#define S_CENSUS	0x63656e737573ULL	/* "census": its mistakes */
#define S_ORDER		0x6f72646572ULL		/* "order": of mistake kinds */
#define S_VISIT		0x7669736974ULL		/* "visit": a person's visits */
#define S_VSTYLE	0x7673747966ULL		/* "vstyf": how a visit is typed */
#define S_VISITS	0x766973697473ULL	/* "visits": their mistakes */

static uint64_t
fmix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
hash3(uint64_t a, uint64_t b, uint64_t c)
{
	return fmix(fmix(fmix(a + 0x9e3779b97f4a7c15ULL) ^ b) + c);
}

static void
rng_init(struct rng *r, uint64_t a, uint64_t b, uint64_t c)
{
	r->s = hash3(a, b, c);
}

static uint64_t
next64(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return fmix(r->s);
}

/* Uniform in [0, n), n < 2^32 (multiply-shift: no division). */
static uint32_t
below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((next64(r) >> 32) * (uint64_t)n) >> 32);
}

static int
range(struct rng *r, int lo, int hi)
{
	return lo + (int)below(r, (uint32_t)(hi - lo + 1));
}

/* True with probability pm / 1000. */
static int
chance(struct rng *r, unsigned pm)
{
	return below(r, 1000) < pm;
}

/*
 * An index drawn by integer weights: the number of cumulative weights
 * the draw reaches, counted without a branch that depends on the draw
 * (a mispredicted branch costs more than the whole loop).
 */
static int
pick(struct rng *r, const unsigned *w, int n)
{
	unsigned total = 0, acc = 0, u;
	int i, k = 0;

	for (i = 0; i < n; i++)
		total += w[i];
	u = below(r, total);
	for (i = 0; i < n - 1; i++) {
		acc += w[i];
		k += u >= acc;
	}
	return k;
}

/* Dates as days since 1970-01-01 (proleptic Gregorian; H. Hinnant). */
static int32_t
days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

/* The same month and day in year y (29 February becomes the 28th). */
static int32_t
anniversary(int y, int m, int d)
{
	if (d > month_days(y, m))
		d = month_days(y, m);
	return days_from_civil(y, m, d);
}

/*
 * Strings.  The generator spends its time copying short strings, so a
 * string from a table is a "word" that carries its length and is copied
 * with one fixed-size memcpy, and whatever is made per record (dates, IDs,
 * numbers) is written straight into the output buffer.  No value holds a
 * comma, a quote or a newline, so none needs CSV quoting, except a list
 * of diseases joined by an ASCII comma, which census() quotes itself.
 */
struct word {
	char		s[31];
	unsigned char	n;
};

#define W(x)	{ x, sizeof(x) - 1 }

/* Appends a short word (at most 8 bytes) to w. */
static void
word_add(struct word *w, const struct word *part)
{
	memcpy(w->s + w->n, part->s, 8);
	w->n = (unsigned char)(w->n + part->n);
	w->s[w->n] = '\0';
}

static const char pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/*
 * Numbers into p, returning the end (no NUL).  Each width has its own
 * function, free of data-dependent branches: random digits would defeat
 * the branch predictor, which costs more here than the arithmetic.
 */
static char *
dig2(char *p, unsigned v)		/* 00-99 */
{
	memcpy(p, pairs + 2 * v, 2);
	return p + 2;
}

static char *
dig12(char *p, unsigned v)		/* 0-99, unpadded */
{
	unsigned one = v < 10;

	/* For one digit, the second char of the pair is it; the byte after
	 * it is overwritten by what follows. */
	memcpy(p, pairs + 2 * v + one, 2);
	return p + 2 - one;
}

static char *
dig3(char *p, unsigned v)		/* 000-999 */
{
	p[0] = (char)('0' + v / 100);
	return dig2(p + 1, v % 100);
}

static char *
dig4(char *p, unsigned v)		/* 0000-9999 */
{
	return dig2(dig2(p, v / 100), v % 100);
}

static char *
dig8(char *p, unsigned v)		/* 00000000-99999999 */
{
	return dig4(dig4(p, v / 10000), v % 10000);
}

static char *
dig7(char *p, unsigned v)		/* 0000000-9999999 */
{
	return dig4(dig3(p, v / 10000), v % 10000);
}

/* Any unsigned, unpadded: for the rare big ones. */
static char *
digits(char *p, unsigned v)
{
	char t[12];
	int n = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n > 0)
		*p++ = t[--n];
	return p;
}

/*
 * Output: a big buffer written with fwrite, because stdio's per-call
 * cost would dominate at 10^6 records.  Before each record the buffer is
 * flushed unless RECORD_ROOM bytes are free, far more than any record
 * takes, so that writing a field needs no check (and a word may spill
 * its padding past the end of what is written).
 */
#define RECORD_ROOM	4096
static char	obuf[1 << 20];
static char	*op = obuf;

static void
out_flush(void)
{
	size_t n = (size_t)(op - obuf);

	if (n > 0 && fwrite(obuf, 1, n, stdout) != n)
		die("write error");
	op = obuf;
}

static void
room(void)
{
	if ((size_t)(op - obuf) > sizeof(obuf) - RECORD_ROOM)
		out_flush();
}

static void
put_word(const struct word *w)
{
	memcpy(op, w->s, sizeof(w->s));
	op += w->n;
}

/* A string of the generator's: never needs quoting (see above). */
static void
put_str(const char *s)
{
	size_t n = strlen(s);

	memcpy(op, s, n);
	op += n;
}

static void
put_uint(int v)
{
	if (v < 0)		/* BLANK */
		return;
	if (v < 10)
		*op++ = (char)('0' + v);
	else
		op = v < 100 ? dig2(op, (unsigned)v) : digits(op, (unsigned)v);
}

static void
sep(void)
{
	*op++ = ',';
}

static void
eol(void)
{
	*op++ = '\n';
}

/* Date forms a data officer types; all accepted by the tools. */
enum datefmt { DF_ISO, DF_SLASH, DF_ZH, DF_COMPACT, DF_DOT };

static char *
fmt_date(char *p, int32_t day, enum datefmt f)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	p = dig4(p, (unsigned)y);
	switch (f) {
	case DF_ISO:
	case DF_DOT:
		*p++ = f == DF_ISO ? '-' : '.';
		p = dig2(p, (unsigned)m);
		*p++ = f == DF_ISO ? '-' : '.';
		return dig2(p, (unsigned)d);
	case DF_SLASH:
		*p++ = '/';
		p = dig12(p, (unsigned)m);
		*p++ = '/';
		return dig12(p, (unsigned)d);
	case DF_ZH:
		memcpy(p, "年", 3);
		p = dig12(p + 3, (unsigned)m);
		memcpy(p, "月", 3);
		p = dig12(p + 3, (unsigned)d);
		memcpy(p, "日", 3);
		return p + 3;
	case DF_COMPACT:
		p = dig2(p, (unsigned)m);
		return dig2(p, (unsigned)d);
	}
	return p;
}

static const unsigned datefmt_w[] = { 45, 25, 18, 8, 4 };

/* The date form of the village whose record is being written. */
static enum datefmt village_datefmt;

/*
 * Each village's officer has a habit, kept three times in four; the
 * rest of the dates come from whoever else typed them.
 */
static enum datefmt
pick_datefmt(struct rng *st)
{
	if (canonical)
		return DF_ISO;
	if (below(st, 1000) < 750)
		return village_datefmt;
	return (enum datefmt)pick(st, datefmt_w, (int)NELEM(datefmt_w));
}

static void
put_date(int32_t day, struct rng *st)
{
	op = fmt_date(op, day, pick_datefmt(st));
}

/*
 * Geography: three counties of Ziyang with real township names (as in
 * the 2018 plan; a few have been reorganised since) and made-up but
 * plausible village names.
 */
static const struct word yanjiang_towns[] = {
	W("雁江镇"), W("松涛镇"), W("宝台镇"), W("临江镇"), W("保和镇"),
	W("老君镇"), W("中和镇"), W("丹山镇"), W("小院镇"), W("堪嘉镇"),
	W("伍隍镇"), W("石岭镇"), W("东峰镇"), W("南津镇"), W("忠义镇"),
	W("迎接镇"), W("祥符镇"),
};
static const struct word anyue_towns[] = {
	W("岳阳镇"), W("石桥铺镇"), W("周礼镇"), W("兴隆镇"), W("龙台镇"),
	W("李家镇"), W("通贤镇"), W("镇子镇"), W("文化镇"), W("姚市镇"),
	W("林凤镇"), W("毛家镇"), W("元坝镇"), W("卧佛镇"), W("石羊镇"),
	W("鸳大镇"), W("护龙镇"),
};
static const struct word lezhi_towns[] = {
	W("天池镇"), W("童家镇"), W("大佛镇"), W("回澜镇"), W("宝林镇"),
	W("中天镇"), W("石佛镇"), W("龙门镇"), W("良安镇"), W("劳动镇"),
	W("东山镇"), W("蟠龙镇"), W("盛池镇"), W("通旅镇"),
};

struct county {
	struct word	 name;
	const struct word *towns;
	int		 ntowns;
};

static const struct county counties[] = {
	{ W("雁江区"), yanjiang_towns, (int)NELEM(yanjiang_towns) },
	{ W("安岳县"), anyue_towns, (int)NELEM(anyue_towns) },
	{ W("乐至县"), lezhi_towns, (int)NELEM(lezhi_towns) },
};
#define NCOUNTY		((int)NELEM(counties))

/*
 * ID address codes: the three counties (in the order of counties[]),
 * then two Chongqing districts across the border (潼南区, 大足区) for
 * people who married in, whose IDs are valid but get the region warning.
 */
static const char *const addr_codes[] = {
	"512002", "512021", "512022", "500152", "500111",
};
#define NCODE		((int)NELEM(addr_codes))

static const struct word village_stems[] = {
	W("白塔"), W("石河"), W("青龙"), W("石桥"), W("黄桷"), W("杨柳"),
	W("桂花"), W("凤凰"), W("龙泉"), W("金鸡"), W("高石"), W("红光"),
	W("双河"), W("新华"), W("太平"), W("长岭"), W("观音"), W("大坪"),
	W("花园"), W("三星"), W("五里"), W("柏林"), W("松林"), W("永安"),
	W("玉泉"), W("清水"), W("天星"), W("沙河"), W("马鞍"), W("狮子"),
	W("回龙"), W("白鹤"), W("水井"), W("枫香"), W("双龙"), W("团结"),
	W("和平"), W("光明"), W("长春"), W("龙井"), W("莲花"), W("大石"),
	W("庙坝"), W("岩口"), W("堰塘"), W("桃花"), W("梨园"), W("白果"),
	W("新民"), W("龙洞"), W("仙鹤"), W("碾子"), W("高桥"), W("黄泥"),
	W("柑子"), W("竹林"), W("板桥"), W("复兴"), W("石龙"), W("七里"),
	W("茶店"), W("桐子"), W("燕子"), W("金龙"), W("元通"), W("鹿鸣"),
	W("槐树"), W("青杠"), W("土桥"), W("红庙"), W("楠木"), W("石盘"),
	W("梓潼"), W("印盒"), W("龙凤"), W("宝峰"), W("安乐"), W("天宝"),
	W("灯杆"), W("骑龙"),
};
#define NSTEM		((int)NELEM(village_stems))

#define MAXVIL		7
#define MAXTOWN		64
#define VISITORS	3

struct town {
	int		county;
	const struct word *name;
	int		nvil;
	struct word	vil[MAXVIL];
	struct word	visitor[MAXVIL][VISITORS];
	enum datefmt	datefmt[MAXVIL];	/* the officer's habit */
};

static struct town towns[MAXTOWN];
static int	ntowns;
static int	town_lo[NCOUNTY + 1];	/* county c: towns lo[c] to lo[c+1]-1 */

/* Names: common surnames (the commonest twice) and given-name characters. */
static const struct word surnames[] = {
	W("李"), W("王"), W("张"), W("刘"), W("陈"), W("杨"), W("黄"),
	W("周"), W("吴"), W("赵"), W("罗"), W("徐"), W("何"), W("胡"),
	W("邓"), W("曾"), W("谢"), W("唐"), W("冯"), W("蒋"), W("彭"),
	W("袁"), W("李"), W("王"), W("张"), W("刘"), W("陈"), W("杨"),
	W("黄"), W("周"), W("吴"), W("赵"), W("罗"), W("徐"), W("何"),
	W("胡"), W("孙"), W("马"), W("朱"), W("郭"), W("林"), W("高"),
	W("郑"), W("梁"), W("许"), W("韩"), W("曹"), W("萧"), W("蔡"),
	W("潘"), W("田"), W("董"), W("余"), W("叶"), W("杜"), W("苏"),
	W("魏"), W("程"), W("吕"), W("丁"), W("沈"), W("任"), W("姚"),
	W("卢"), W("钟"), W("姜"), W("谭"), W("廖"), W("范"), W("汪"),
	W("陆"), W("金"), W("石"), W("贾"), W("夏"), W("邱"), W("方"),
	W("侯"), W("邹"), W("熊"), W("秦"), W("白"), W("江"), W("雷"),
	W("段"), W("龙"), W("陶"), W("贺"), W("毛"), W("龚"), W("万"),
	W("严"), W("赖"), W("文"), W("兰"), W("付"),
};
static const struct word old_male[] = {
	W("德"), W("明"), W("国"), W("华"), W("建"), W("文"), W("志"),
	W("忠"), W("永"), W("海"), W("福"), W("贵"), W("正"), W("兴"),
	W("成"), W("平"), W("清"), W("云"), W("春"), W("学"), W("庆"),
	W("光"), W("开"), W("树"), W("元"), W("金"), W("发"), W("富"),
	W("全"), W("林"), W("友"), W("良"), W("顺"), W("祥"), W("世"),
	W("家"), W("绍"), W("泽"), W("洪"), W("长"), W("远"), W("怀"),
	W("仁"), W("义"), W("先"), W("朝"), W("绪"), W("昌"),
};
static const struct word old_female[] = {
	W("秀"), W("英"), W("兰"), W("芳"), W("珍"), W("桂"), W("玉"),
	W("凤"), W("琼"), W("淑"), W("素"), W("翠"), W("碧"), W("群"),
	W("会"), W("蓉"), W("菊"), W("梅"), W("霞"), W("珠"), W("莲"),
	W("华"), W("琴"), W("芬"), W("惠"), W("容"), W("银"), W("仙"),
	W("明"), W("清"), W("开"), W("德"), W("正"), W("春"),
};
static const struct word young[] = {
	W("军"), W("伟"), W("勇"), W("强"), W("杰"), W("涛"), W("斌"),
	W("刚"), W("磊"), W("波"), W("平"), W("林"), W("丽"), W("敏"),
	W("燕"), W("娟"), W("静"), W("红"), W("艳"), W("玲"), W("霞"),
	W("婷"), W("洁"), W("雪"), W("宇"), W("春"), W("海"), W("建"),
	W("志"), W("明"), W("华"), W("俊"), W("鹏"), W("超"), W("琴"),
	W("梅"),
};

/* Surname (given, or drawn) and one or two given-name characters. */
static void
make_name(struct word *w, struct rng *r, const struct word *surname,
    const struct word *given, int ngiven)
{
	w->n = 0;
	word_add(w, surname != NULL ? surname :
	    &surnames[below(r, (uint32_t)NELEM(surnames))]);
	word_add(w, &given[below(r, (uint32_t)ngiven)]);
	if (!chance(r, 300))
		word_add(w, &given[below(r, (uint32_t)ngiven)]);
}

/*
 * Rank weights 1/(rank + 3): a few towns and villages hold most people,
 * as in life.  Computed once, not for every person.
 */
#define MAXRANK		32
static unsigned	rank_w[MAXRANK];

static int
pick_ranked(struct rng *r, int n)
{
	return pick(r, rank_w, n);
}

/*
 * Geography is fixed, whatever the seed: the same village has the same
 * name and the same visitors in every file.
 */
static void
init_geo(void)
{
	static const struct word cun = W("村");
	struct rng r;
	int c, t, v, k, j, used[NSTEM];

	for (k = 0; k < MAXRANK; k++)
		rank_w[k] = 1200 / (unsigned)(k + 3);
	rng_init(&r, S_GEO, 0, 0);
	for (c = 0; c < NCOUNTY; c++) {
		town_lo[c] = ntowns;
		for (t = 0; t < counties[c].ntowns; t++) {
			struct town *tw = &towns[ntowns++];

			tw->county = c;
			tw->name = &counties[c].towns[t];
			tw->nvil = range(&r, 4, MAXVIL);
			memset(used, 0, sizeof(used));
			for (v = 0; v < tw->nvil; v++) {
				do
					k = (int)below(&r, NSTEM);
				while (used[k]);
				used[k] = 1;
				tw->vil[v].n = 0;
				word_add(&tw->vil[v], &village_stems[k]);
				word_add(&tw->vil[v], &cun);
				for (j = 0; j < VISITORS; j++)
					make_name(&tw->visitor[v][j], &r, NULL,
					    young, (int)NELEM(young));
			}
		}
	}
	town_lo[NCOUNTY] = ntowns;

	/* Habits from a stream of their own, so the names stay as they were. */
	rng_init(&r, S_HABIT, 0, 0);
	for (t = 0; t < ntowns; t++)
		for (v = 0; v < towns[t].nvil; v++)
			towns[t].datefmt[v] = (enum datefmt)pick(&r,
			    datefmt_w, (int)NELEM(datefmt_w));
}

/*
 * ID numbers.  The sequence code of each new person comes from the
 * counter of its (address code, birth day, sex) cell, spread over the
 * cell's 450 codes by a per-cell offset and a stride prime to 450, so
 * codes look random but never repeat.  A full cell moves the person to
 * the nearest day with room.
 */
static uint16_t	*fill;
static int32_t	 day_lo;		/* first birth day in the table */
static int32_t	 ndays;

static const unsigned strides[] = {
	7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 49, 53, 59, 61,
};

static void
init_ids(void)
{
	/* Ages 55 to 100 on the as-of date, with a margin each side. */
	day_lo = days_from_civil(asof_y - 103, 1, 1);
	ndays = days_from_civil(asof_y - 50, 12, 31) - day_lo + 1;
	fill = calloc((size_t)NCODE * (size_t)ndays * 2, sizeof(*fill));
	if (fill == NULL)
		die("out of memory");
}

static char
check_char(const char *d17)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10,
	    5, 8, 4, 2 };
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (d17[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

/* Writes the 18 characters of an ID and a NUL. */
static void
make_id(char *id, int code, int32_t birth, int seq)
{
	int y, m, d;
	char *p;

	civil_from_days(birth, &y, &m, &d);
	memcpy(id, addr_codes[code], 6);
	p = dig4(id + 6, (unsigned)y);
	p = dig2(p, (unsigned)m);
	p = dig2(p, (unsigned)d);
	p = dig3(p, (unsigned)seq);
	p[0] = check_char(id);
	p[1] = '\0';
}

/* Allocates a census sequence code; may move *birth to a day with room. */
static int
alloc_seq(int code, int32_t *birth, int male)
{
	int32_t k, d;
	size_t idx;
	uint64_t h;
	unsigned n, slot;

	for (k = 0; k < 2 * ndays + 1; k++) {
		d = *birth + ((k & 1) ? (k + 1) / 2 : -(k / 2));
		if (d < day_lo || d >= day_lo + ndays)
			continue;
		idx = (((size_t)code * (size_t)ndays) + (size_t)(d - day_lo)) *
		    2 + (size_t)male;
		if (fill[idx] >= SEQ_SLOTS)
			continue;
		n = fill[idx]++;
		h = hash3(seed, S_SEQ, idx);
		slot = ((unsigned)(h % SEQ_SLOTS) +
		    n * strides[(h >> 40) % NELEM(strides)]) % SEQ_SLOTS;
		*birth = d;
		return male ? (int)(2 * slot + 1) : (int)(2 * slot + 2);
	}
	die("too many people for the ID numbers of three counties");
	return 0;
}

/* The person: what the census says, before style and mistakes. */
enum { LIV_ALONE, LIV_SPOUSE, LIV_RELATIVES, LIV_OTHER };
enum { ABL_INTACT, ABL_MILD, ABL_MODERATE, ABL_SEVERE, ABL_TOTAL };
enum { POV_NONE, POV_DIBAO, POV_TEKUN, POV_POOR };

#define BLANK	(-1)

struct person {
	char		id[19];
	int32_t		birth;
	int		age;
	int		male;
	int		town, vil;
	struct word	name;
	struct word	phone;		/* n == 0: none */
	int		living;
	int		ctotal, caway, away;	/* away: BLANK or months */
	int		nearby, capable;	/* 0, 1 or BLANK */
	int		ability, poverty;
	int		ndis, dis[3];
	int		smi, care, doctor;	/* 0, 1 or BLANK */
	struct word	gname;
	struct word	gphone;
	int32_t		check;		/* last health check or BLANK */
	int		show_birth;
	int		left_behind;
};

static const char mobile_prefix[][4] = {
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "157", "158", "159", "166", "173",
	"177", "180", "181", "182", "183", "186", "187", "188", "189", "191",
	"198", "199", "135", "139", "158", "182",
};

static void
make_mobile(struct word *w, struct rng *r)
{
	memcpy(w->s, mobile_prefix[below(r, (uint32_t)NELEM(mobile_prefix))],
	    3);
	dig8(w->s + 3, below(r, 100000000));
	w->s[11] = '\0';
	w->n = 11;
}

/* Ziyang's area code is 028 since 2014 (8 digits from 2), 0832 before. */
static void
make_landline(struct word *w, struct rng *r)
{
	if (chance(r, 600)) {
		memcpy(w->s, "028-2", 5);
		dig7(w->s + 5, below(r, 10000000));
		w->n = 12;
	} else {
		memcpy(w->s, "0832-", 5);
		dig7(w->s + 5, 2000000 + below(r, 8000000));
		w->n = 12;
	}
	w->s[12] = '\0';
}

static const struct word diseases[] = {
	W("高血压"), W("糖尿病"), W("冠心病"), W("慢性支气管炎"), W("慢阻肺"),
	W("关节炎"), W("脑梗死后遗症"), W("白内障"), W("骨质疏松"),
	W("慢性胃炎"), W("痛风"), W("哮喘"),
};
static const unsigned disease_w[] = {
	40, 20, 10, 8, 6, 8, 5, 5, 5, 5, 2, 2,
};

static void
gen_person(long i, struct person *p)
{
	static const unsigned county_w[] = { 32, 44, 24 };
	static const unsigned liv_w[] = { 25, 43, 24, 8 };
	static const unsigned kids_w[] = { 14, 34, 30, 16, 6 };
	struct rng r;
	const struct town *tw;
	int c, code, k, u, seq;
	int32_t a, b;

	/* Zeroed: words are copied whole, padding included. */
	memset(p, 0, sizeof(*p));
	rng_init(&r, seed, (uint64_t)i, S_CORE);

	c = pick(&r, county_w, NCOUNTY);
	p->town = town_lo[c] + pick_ranked(&r, counties[c].ntowns);
	tw = &towns[p->town];
	p->vil = pick_ranked(&r, tw->nvil);

	/* Mostly the county's own code; some from another county of
	 * Ziyang or from across the border. */
	u = (int)below(&r, 1000);
	if (u < 940)
		code = c;
	else if (u < 990)
		code = (c + 1 + (int)below(&r, 2)) % NCOUNTY;
	else
		code = NCOUNTY + (int)below(&r, 2);

	/* Ages 55-100: most 60-79, 15% 80 and over, a few under 60. */
	u = (int)below(&r, 1000);
	if (u < 30)
		p->age = range(&r, 55, 59);
	else if (u < 850)
		p->age = range(&r, 60, 79);
	else if (u < 975)
		p->age = range(&r, 80, 89);
	else
		p->age = range(&r, 90, 100);
	a = anniversary(asof_y - p->age, asof_m, asof_d);
	b = anniversary(asof_y - p->age - 1, asof_m, asof_d);
	p->birth = a - (int32_t)below(&r, (uint32_t)(a - b));
	p->male = !chance(&r, 530);
	seq = alloc_seq(code, &p->birth, p->male);
	make_id(p->id, code, p->birth, seq);

	if (p->male)
		make_name(&p->name, &r, NULL, old_male, (int)NELEM(old_male));
	else
		make_name(&p->name, &r, NULL, old_female,
		    (int)NELEM(old_female));

	u = (int)below(&r, 1000);
	if (u < 820)
		make_mobile(&p->phone, &r);
	else if (u < 880)
		make_landline(&p->phone, &r);

	p->living = pick(&r, liv_w, (int)NELEM(liv_w));

	/*
	 * Half the people meet every condition of left-behind (§一) but
	 * age; the others miss one condition or two, as neighbours do.
	 */
	p->capable = BLANK;
	p->away = BLANK;
	u = (int)below(&r, 1000);
	if (u < 520) {
		p->ctotal = 1 + pick(&r, kids_w, (int)NELEM(kids_w));
		p->caway = p->ctotal;
		p->away = chance(&r, 600) ? range(&r, 6, 36) :
		    range(&r, 37, 180);
		p->nearby = chance(&r, 280);
		p->capable = p->nearby ? 0 : (chance(&r, 120) ? 0 : BLANK);
	} else {
		k = (int)below(&r, 100);
		p->ctotal = 1 + pick(&r, kids_w, (int)NELEM(kids_w));
		p->nearby = 1;
		p->capable = 1;
		if (k < 25) {
			/* No child away (or no child at all). */
			if (chance(&r, 200))
				p->ctotal = 0;
			p->caway = 0;
			p->away = chance(&r, 80) ? 0 : BLANK;
			if (chance(&r, 300)) {
				p->nearby = p->ctotal > 0;
				p->capable = p->nearby ? chance(&r, 800) :
				    BLANK;
			}
		} else if (k < 55) {
			/* Some children away, some at home. */
			if (p->ctotal < 2)
				p->ctotal = 2 + (int)below(&r, 3);
			p->caway = range(&r, 1, p->ctotal - 1);
			p->away = range(&r, 3, 120);
			p->capable = !chance(&r, 100);
		} else if (k < 70) {
			/* All away, but only lately. */
			p->caway = p->ctotal;
			p->away = range(&r, 1, 5);
			p->nearby = chance(&r, 300);
			p->capable = p->nearby ? 1 : BLANK;
		} else {
			/* All away, but someone capable nearby. */
			p->caway = p->ctotal;
			p->away = range(&r, 6, 120);
		}
	}
	p->left_behind = p->age >= 60 && p->ctotal >= 1 &&
	    p->caway == p->ctotal && p->away >= 6 &&
	    (!p->nearby || p->capable == 0);

	/* Disability rises with age: about 12% overall. */
	u = (int)below(&r, 1000);
	if (p->age >= 80)
		p->ability = u < 450 ? ABL_INTACT : u < 750 ? ABL_MILD :
		    u < 880 ? ABL_MODERATE : u < 960 ? ABL_SEVERE : ABL_TOTAL;
	else
		p->ability = u < 710 ? ABL_INTACT : u < 900 ? ABL_MILD :
		    u < 955 ? ABL_MODERATE : u < 988 ? ABL_SEVERE : ABL_TOTAL;

	u = (int)below(&r, 1000);
	p->poverty = u < 800 ? POV_NONE : u < 900 ? POV_DIBAO :
	    u < 930 ? POV_TEKUN : POV_POOR;

	u = (int)below(&r, 1000);
	p->ndis = u < 380 ? 0 : u < 730 ? 1 : u < 920 ? 2 : 3;
	for (k = 0; k < p->ndis; k++) {
		int j;

		do {
			p->dis[k] = pick(&r, disease_w, (int)NELEM(disease_w));
			for (j = 0; j < k && p->dis[j] != p->dis[k]; j++)
				continue;
		} while (j < k);
	}

	u = (int)below(&r, 1000);
	p->smi = u < 680 ? 0 : u < 980 ? BLANK : 1;

	/* Guardians: usually a son or daughter, often of the same surname. */
	u = (int)below(&r, 1000);
	if (u < 880) {
		struct word sur;

		sur.n = 3;
		memcpy(sur.s, p->name.s, 3);
		sur.s[3] = '\0';
		make_name(&p->gname, &r, p->male && chance(&r, 650) ? &sur :
		    NULL, young, (int)NELEM(young));
		u = (int)below(&r, 1000);
		if (u < 910)
			make_mobile(&p->gphone, &r);
		else if (u < 940)
			make_landline(&p->gphone, &r);
	} else if (chance(&r, 300))
		make_mobile(&p->gphone, &r);

	u = (int)below(&r, 1000);
	if (p->left_behind)
		p->care = u < 550 ? 1 : u < 900 ? 0 : BLANK;
	else
		p->care = u < 50 ? 1 : u < 550 ? 0 : BLANK;
	u = (int)below(&r, 1000);
	p->doctor = u < 650 ? 1 : u < 900 ? 0 : BLANK;

	/* The yearly check (§三(五)): this year for about half the 65+. */
	u = (int)below(&r, 1000);
	if (u < (p->age >= 65 ? 500 : 300))
		p->check = year_start +
		    (int32_t)below(&r, (uint32_t)(asof - year_start + 1));
	else if (u < (p->age >= 65 ? 850 : 600))
		p->check = year_start - 1 - (int32_t)below(&r, 730);
	else
		p->check = BLANK;

	p->show_birth = !chance(&r, 300);
}

/* Values as written: mostly the Chinese labels, some tokens and aliases. */
struct vocab {
	struct word token, zh, alias;	/* alias.n == 0: none */
};

static const struct vocab v_living[] = {
	{ W("alone"), W("独居"), W("") },
	{ W("spouse"), W("与配偶同住"), W("配偶同住") },
	{ W("relatives"), W("与其他亲属同住"), W("与亲属同住") },
	{ W("other"), W("其他"), W("") },
};
static const struct vocab v_ability[] = {
	{ W("intact"), W("能力完好"), W("") },
	{ W("mild"), W("轻度失能"), W("") },
	{ W("moderate"), W("中度失能"), W("") },
	{ W("severe"), W("重度失能"), W("") },
	{ W("total"), W("完全失能"), W("") },
};
static const struct vocab v_poverty[] = {
	{ W("none"), W("无"), W("否") },
	{ W("dibao"), W("低保"), W("低保户") },
	{ W("tekun"), W("特困"), W("特困人员") },
	{ W("registered_poor"), W("建档立卡"), W("建档立卡贫困户") },
};
static const struct vocab v_mode[] = {
	{ W("home"), W("上门"), W("入户") },
	{ W("phone"), W("电话"), W("电话问候") },
	{ W("video"), W("视频"), W("") },
};
static const struct vocab v_situation[] = {
	{ W("none"), W("无"), W("") },
	{ W("wandering"), W("外出流浪乞讨"), W("") },
	{ W("abuse"), W("遭受非法侵害"), W("") },
	{ W("critical_illness"), W("危重病情"), W("") },
	{ W("mental_illness"), W("严重精神疾病"), W("") },
	{ W("hardship"), W("重大困境"), W("") },
	{ W("other"), W("其他"), W("") },
};

static void
put_enum(const struct vocab *v, struct rng *st)
{
	unsigned u;

	if (canonical) {
		put_word(&v->token);
		return;
	}
	u = below(st, 1000);
	if (u < 940)
		put_word(&v->zh);
	else if (u < 970 || v->alias.n == 0)
		put_word(&v->token);
	else
		put_word(&v->alias);
}

static void
put_yesno(int yes, struct rng *st)
{
	static const struct word forms[2][5] = {
		{ W("否"), W("N"), W("0"), W("no"), W("无") },
		{ W("是"), W("Y"), W("1"), W("yes"), W("有") },
	};
	static const unsigned w[] = { 840, 50, 40, 30, 40 };

	if (yes == BLANK)
		return;
	put_word(&forms[yes][canonical ? 3 : pick(st, w, (int)NELEM(w))]);
}

/* A phone as typed: mostly plain, some spaced, hyphenated or +86. */
static void
put_phone(const struct word *ph, struct rng *st)
{
	unsigned u = below(st, 1000);

	if (canonical || ph->n != 11 || u < 900) {
		put_word(ph);
		return;
	}
	if (u < 970) {
		char c = u < 940 ? ' ' : '-';

		memcpy(op, ph->s, 3);
		op[3] = c;
		memcpy(op + 4, ph->s + 3, 4);
		op[8] = c;
		memcpy(op + 9, ph->s + 7, 4);
		op += 13;
	} else {
		memcpy(op, "+86 ", 4);
		op += 4;
		put_word(ph);
	}
}

/* Mistakes a data officer makes; one per erroneous record. */
enum mistake {
	M_NONE = -1,
	M_ID_CHECK,		/* wrong check character */
	M_ID_17,		/* a digit left out */
	M_AWAY_GT_TOTAL,	/* more children away than children */
	M_LIVING,		/* living arrangement not in the vocabulary */
	M_ABILITY,		/* ability level mistyped */
	M_BLANK,		/* name or village left blank */
	M_BIRTH,		/* birth date contradicting the ID */
	M_SEX,			/* sex contradicting the ID */
	M_BAD_DATE,		/* a date that does not exist */
	M_DUP_ID,		/* an earlier person's ID again */
	M_CHILDREN_TEXT,	/* 两个 for 2 */
	M_PHONE,		/* an invalid phone (a warning only) */
	NMISTAKE
};

static const char *const mistake_name[] = {
	"wrong ID check character", "17-character ID",
	"children_away > children_total", "unknown living_arrangement",
	"ability_level typo", "blank required value",
	"birth_date contradicts ID", "sex contradicts ID", "invalid date",
	"duplicate ID", "non-numeric children_total",
	"invalid phone (warning)",
};

enum vmistake {
	V_MODE,			/* unknown mode */
	V_FUTURE,		/* dated after the as-of date */
	V_BAD_ID,		/* an ID that does not parse */
	V_OUTSIDER,		/* a valid ID not in the census (a warning) */
	NVMISTAKE
};

static const char *const vmistake_name[] = {
	"unknown mode", "visit after as-of", "bad ID",
	"person not in the census (warning)",
};

/*
 * Whether record j gets a mistake: one per block of 1000/P records, at a
 * place in the block drawn from the seed; the kinds take turns in an
 * order drawn from the seed.  Returns the kind or M_NONE.
 */
static int
mistake_at(uint64_t stream, long j, int nkinds)
{
	long blk, lo, hi, at;
	uint64_t h;
	int order[NMISTAKE], i, k, t;
	struct rng r;

	if (errors_pm <= 0)
		return M_NONE;
	blk = (long)((long long)j * errors_pm / 1000);
	lo = (long)(((long long)blk * 1000 + errors_pm - 1) / errors_pm);
	hi = (long)(((long long)(blk + 1) * 1000 + errors_pm - 1) /
	    errors_pm);
	h = hash3(seed, stream, (uint64_t)blk);
	at = lo + (long)(h % (uint64_t)(hi - lo));
	if (j != at)
		return M_NONE;
	rng_init(&r, seed, stream, S_ORDER);
	for (i = 0; i < nkinds; i++)
		order[i] = i;
	for (i = nkinds - 1; i > 0; i--) {
		k = (int)below(&r, (uint32_t)(i + 1));
		t = order[i];
		order[i] = order[k];
		order[k] = t;
	}
	return order[blk % nkinds];
}

static void
note_mistake(long line, const char *what)
{
	if (verbose)
		fprintf(stderr, "gen: line %ld: %s\n", line, what);
}

static void
header(const char *const *zh, const char *const *en, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			sep();
		put_str(canonical ? en[i] : zh[i]);
	}
	eol();
}

static const char *const census_zh[] = {
	"身份证号", "姓名", "性别", "出生日期", "县(区)", "乡(镇)",
	"村(社区)", "联系电话", "居住情况", "子女数", "县外务工子女数",
	"外出时长(月)", "身边有赡养人", "赡养人有赡养能力", "能力等级",
	"困难类型", "慢性病", "严重精神障碍", "监护人姓名", "监护人电话",
	"委托照顾协议", "家庭医生签约", "最近健康体检",
};
static const char *const census_en[] = {
	"id_number", "name", "sex", "birth_date", "county", "township",
	"village", "phone", "living_arrangement", "children_total",
	"children_away", "away_months", "supporter_nearby",
	"supporter_capable", "ability_level", "poverty", "chronic_diseases",
	"severe_mental_illness", "guardian_name", "guardian_phone",
	"care_agreement", "family_doctor", "last_health_check",
};

/* A date that does not exist, as typed: 2019-13-45, 2025-02-30 ... */
static void
put_bad_date(int y, struct rng *st)
{
	static const struct word md[] = { W("-13-45"), W("-02-30"),
	    W("-04-31"), W("-00-12"), W("/13/5"), W("-11-31") };

	op = dig4(op, (unsigned)y);
	put_word(&md[below(st, (uint32_t)NELEM(md))]);
}

/* Earlier IDs, for the duplicate mistake. */
#define NRECENT	16
static char	recent[NRECENT][19];
static long	nrecent;

/* The census sheet: one record per person, a mistake in some. */
static void
census(void)
{
	static const struct word bad_living[] = { W("独自"), W("独住"),
	    W("空巢"), W("一个人住") };
	static const struct word bad_ability[] = { W("能力完号"),
	    W("轻度实能"), W("中度实能"), W("重度实能"), W("完全实能"),
	    W("重度失去能力") };
	static const struct word bad_children[] = { W("两个"), W("三个"),
	    W("一"), W("2个"), W("四") };
	static const struct word bad_phone[] = { W("1381234567"),
	    W("12345678901"), W("139123456789"), W("028-123"), W("不详") };
	static const struct word dis_sep[] = { W("；"), W("、"), W(";"),
	    W("，"), W(",") };
	static const unsigned dis_sep_w[] = { 600, 300, 50, 30, 20 };
	static const struct word sexes[2][2] = {
		{ W("女"), W("female") }, { W("男"), W("male") },
	};
	static const struct word space = W(" ");
	static const char ckchars[] = "0123456789X";
	struct person p;
	struct rng st;
	char id[20];
	long i, counts[NMISTAKE];
	int m, y, mo, d, k, in_birth, in_name, in_own, idlen, sx;

	memset(counts, 0, sizeof(counts));
	header(census_zh, census_en, (int)NELEM(census_zh));
	for (i = 0; i < npeople; i++) {
		room();
		gen_person(i, &p);
		village_datefmt = towns[p.town].datefmt[p.vil];
		rng_init(&st, seed, (uint64_t)i, S_STYLE);
		m = mistake_at(S_CENSUS, i, NMISTAKE);
		if (m == M_DUP_ID && nrecent == 0)
			m = M_ID_CHECK;
		if (m != M_NONE) {
			counts[m]++;
			note_mistake(i + 2, mistake_name[m]);
		}
		/* Where the mistake goes, for the kinds with a choice. */
		in_birth = chance(&st, 500);
		in_name = chance(&st, 600);
		in_own = p.gphone.n == 0 || chance(&st, 500);

		/* ID: the 18 characters, a few legacy 15-digit numbers
		 * (which only the 1900s can have), some lowercase x. */
		memcpy(id, p.id, 19);
		idlen = 18;
		if (!canonical && chance(&st, 15) &&
		    memcmp(p.id + 6, "19", 2) == 0) {
			memmove(id + 6, id + 8, 9);
			idlen = 15;
		} else if (!canonical && id[17] == 'X' && chance(&st, 250))
			id[17] = 'x';
		if (m == M_ID_CHECK) {
			memcpy(id, p.id, 19);
			idlen = 18;
			k = (int)(strchr(ckchars, p.id[17]) - ckchars);
			id[17] = ckchars[(k + 1 + (int)below(&st, 10)) % 11];
		} else if (m == M_ID_17) {
			k = 6 + (int)below(&st, 11);
			memcpy(id, p.id, 19);
			memmove(id + k, id + k + 1, (size_t)(18 - k));
			idlen = 17;
		} else if (m == M_DUP_ID) {
			memcpy(id, recent[below(&st, (uint32_t)(nrecent <
			    NRECENT ? nrecent : NRECENT))], 19);
			idlen = 18;
			/* Sex and birth as the copied ID says, so that the
			 * copy is the only mistake. */
			p.male = (id[16] - '0') % 2;
			p.birth = days_from_civil((id[6] - '0') * 1000 +
			    (id[7] - '0') * 100 + (id[8] - '0') * 10 +
			    (id[9] - '0'), (id[10] - '0') * 10 +
			    (id[11] - '0'), (id[12] - '0') * 10 +
			    (id[13] - '0'));
		}
		if (m != M_DUP_ID && m != M_ID_CHECK && m != M_ID_17) {
			memcpy(recent[nrecent % NRECENT], p.id, 19);
			nrecent++;
		}
		memcpy(op, id, 18);
		op += idlen;
		sep();

		if (!(m == M_BLANK && in_name)) {
			if (!canonical && chance(&st, 5))
				word_add(&p.name, &space);
			put_word(&p.name);
		}
		sep();

		/* Sex: nearly always given. */
		if (m == M_SEX)
			p.male = !p.male;
		if (m == M_SEX || !chance(&st, 20)) {
			sx = canonical || chance(&st, 20);
			put_word(&sexes[p.male][sx]);
		}
		sep();

		if (m == M_BIRTH) {
			civil_from_days(p.birth, &y, &mo, &d);
			if (mo != d && d <= 12)
				put_date(days_from_civil(y, d, mo), &st);
			else {
				/* A year out; one draw per statement, as
				 * C leaves the order of operands open. */
				k = chance(&st, 500) ? 365 : -365;
				k += (int)below(&st, 3) - 1;
				put_date(p.birth + k, &st);
			}
		} else if (m == M_BAD_DATE && in_birth) {
			civil_from_days(p.birth, &y, &mo, &d);
			put_bad_date(y, &st);
		} else if (p.show_birth)
			put_date(p.birth, &st);
		sep();

		put_word(&counties[towns[p.town].county].name);
		sep();
		put_word(towns[p.town].name);
		sep();
		if (!(m == M_BLANK && !in_name))
			put_word(&towns[p.town].vil[p.vil]);
		sep();

		if (m == M_PHONE && in_own)
			put_word(&bad_phone[below(&st, NELEM(bad_phone))]);
		else
			put_phone(&p.phone, &st);
		sep();

		if (m == M_LIVING) {
			if (canonical)
				put_str("solo");
			else
				put_word(&bad_living[below(&st,
				    NELEM(bad_living))]);
		} else
			put_enum(&v_living[p.living], &st);
		sep();

		if (m == M_AWAY_GT_TOTAL) {
			p.caway = p.ctotal + 1 + (int)below(&st, 2);
			if (p.away == BLANK || p.away == 0)
				p.away = range(&st, 6, 60);
		}
		if (m == M_CHILDREN_TEXT) {
			if (canonical)
				put_str("two");
			else
				put_word(&bad_children[below(&st,
				    NELEM(bad_children))]);
		} else
			put_uint(p.ctotal);
		sep();
		put_uint(p.caway);
		sep();
		put_uint(p.away);
		sep();

		put_yesno(p.nearby, &st);
		sep();
		put_yesno(p.capable, &st);
		sep();
		if (m == M_ABILITY) {
			if (canonical)
				put_str("moderat");
			else
				put_word(&bad_ability[below(&st,
				    NELEM(bad_ability))]);
		} else
			put_enum(&v_ability[p.ability], &st);
		sep();
		put_enum(&v_poverty[p.poverty], &st);
		sep();

		/* Chronic diseases, separated as people do, the ASCII
		 * comma included (and then the field is quoted). */
		if (p.ndis > 0) {
			const struct word *s = &dis_sep[canonical ? 2 :
			    pick(&st, dis_sep_w, (int)NELEM(dis_sep_w))];
			int quote = p.ndis > 1 && s->s[0] == ',';

			if (quote)
				*op++ = '"';
			for (k = 0; k < p.ndis; k++) {
				if (k > 0)
					put_word(s);
				put_word(&diseases[p.dis[k]]);
			}
			if (quote)
				*op++ = '"';
		}
		sep();

		put_yesno(p.smi, &st);
		sep();
		put_word(&p.gname);
		sep();
		if (m == M_PHONE && !in_own)
			put_word(&bad_phone[below(&st, NELEM(bad_phone))]);
		else
			put_phone(&p.gphone, &st);
		sep();
		put_yesno(p.care, &st);
		sep();
		put_yesno(p.doctor, &st);
		sep();

		if (m == M_BAD_DATE && !in_birth)
			put_bad_date(asof_y - (int)below(&st, 3), &st);
		else if (p.check != BLANK)
			put_date(p.check, &st);
		eol();
	}
	if (verbose)
		for (k = 0; k < NMISTAKE; k++)
			if (counts[k] > 0)
				fprintf(stderr, "gen: %ld x %s\n", counts[k],
				    mistake_name[k]);
}

static const char *const visit_zh[] = {
	"身份证号", "走访日期", "走访方式", "走访人", "发现情况", "报告日期",
};
static const char *const visit_en[] = {
	"id_number", "visit_date", "mode", "visitor", "situation",
	"reported_date",
};

/* At most 61 visits a person (-k 30), far fewer than days to put them on. */
#define MAXVISITS	64

static int
cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* A valid ID with a sequence code the census never uses. */
static void
outsider_id(char *id, struct rng *r)
{
	int y, m, d, seq;

	/* One draw per statement: C leaves the order of arguments open. */
	y = asof_y - range(r, 60, 92);
	m = range(r, 1, 12);
	d = range(r, 1, 28);
	seq = range(r, SEQ_OUTSIDER_LO, SEQ_OUTSIDER_HI);
	make_id(id, (int)below(r, NCOUNTY), days_from_civil(y, m, d), seq);
}

/*
 * The visit log: each person's visits in date order, person after person
 * as villages append them, never sorted as a whole; a mistake in some.
 */
static void
visits(void)
{
	static const unsigned mode_w[] = { 50, 40, 10 };
	static const unsigned alert_w[] = { 10, 10, 35, 15, 25, 5 };
	static const struct word bad_mode[] = { W("微信"), W("走访"),
	    W("当面"), W("上门走访"), W("短信") };
	static const char ckchars[] = "0123456789X";
	struct person p;
	struct rng vr, st;
	int32_t days[MAXVISITS], day, rep;
	char id[20];
	long i, j = 0, counts[NVMISTAKE];
	int n, v, m, k, sit, u, idlen;

	memset(counts, 0, sizeof(counts));
	header(visit_zh, visit_en, (int)NELEM(visit_zh));
	for (i = 0; i < npeople; i++) {
		gen_person(i, &p);
		village_datefmt = towns[p.town].datefmt[p.vil];
		rng_init(&vr, seed, (uint64_t)i, S_VISIT);

		/*
		 * Left-behind people are in the programme and get more
		 * visits; some people are never visited at all.
		 */
		n = 0;
		if (p.left_behind ? !chance(&vr, 60) : !chance(&vr, 300)) {
			int trials = p.left_behind ? 2 * per_person :
			    2 * per_person - 2;

			n = per_person > 0;
			for (k = 0; k < trials; k++)
				n += (int)below(&vr, 2);
		}
		if (n > MAXVISITS)
			n = MAXVISITS;
		/* On distinct days: nobody logs the same visit twice. */
		for (v = 0; v < n; v++) {
			do {
				days[v] = asof - (int32_t)below(&vr,
				    VISIT_DAYS + 1);
				for (k = 0; k < v && days[k] != days[v]; k++)
					continue;
			} while (k < v);
		}
		qsort(days, (size_t)n, sizeof(days[0]), cmp_day);

		for (v = 0; v < n; v++, j++) {
			room();
			rng_init(&st, seed, (uint64_t)j, S_VSTYLE);
			m = mistake_at(S_VISITS, j, NVMISTAKE);
			if (m != M_NONE) {
				counts[m]++;
				note_mistake(j + 2, vmistake_name[m]);
			}

			memcpy(id, p.id, 19);
			idlen = 18;
			if (!canonical && id[17] == 'X' && chance(&st, 100))
				id[17] = 'x';
			if (m == V_BAD_ID) {
				if (chance(&st, 500)) {
					k = (int)(strchr(ckchars, p.id[17]) -
					    ckchars);
					id[17] = ckchars[(k + 1 +
					    (int)below(&st, 10)) % 11];
				} else
					idlen = 17;
			} else if (m == V_OUTSIDER)
				outsider_id(id, &st);
			memcpy(op, id, 18);
			op += idlen;
			sep();

			day = m == V_FUTURE ? asof + 1 +
			    (int32_t)below(&st, 30) : days[v];
			put_date(day, &st);
			sep();

			if (m == V_MODE)
				put_word(&bad_mode[below(&st,
				    NELEM(bad_mode))]);
			else
				put_enum(&v_mode[pick(&st, mode_w,
				    (int)NELEM(mode_w))], &st);
			sep();
			put_word(&towns[p.town].visitor[p.vil][below(&st,
			    VISITORS)]);
			sep();

			/* Mostly nothing found; a few alerts (§三(二)),
			 * reported the same day, later or not at all. */
			u = (int)below(&st, 1000);
			sit = u < 600 ? -1 : u < 955 ? 0 :
			    1 + pick(&st, alert_w, (int)NELEM(alert_w));
			if (sit >= 0)
				put_enum(&v_situation[sit], &st);
			sep();
			if (sit > 0) {
				u = (int)below(&st, 1000);
				rep = u < 400 ? day : u < 700 ? day + 1 :
				    u < 850 ? day + 2 : BLANK;
				if (rep != BLANK && rep <= asof)
					put_date(rep, &st);
			}
			eol();
		}
	}
	if (verbose)
		for (k = 0; k < NVMISTAKE; k++)
			if (counts[k] > 0)
				fprintf(stderr, "gen: %ld x %s\n", counts[k],
				    vmistake_name[k]);
}

/* Option parsing: "-n N", "--errors P" and "--errors=P" alike. */
static long
number(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi) {
		fprintf(stderr, "gen: %s: %s: not a number from %ld to %ld\n",
		    opt, s, lo, hi);
		exit(2);
	}
	return v;
}

static void
parse_asof(const char *s)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789-") != 10 ||
	    sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1900 ||
	    y > 2200 || m < 1 || m > 12 || d < 1 || d > month_days(y, m)) {
		fprintf(stderr, "gen: --as-of: %s: not a date YYYY-MM-DD\n", s);
		exit(2);
	}
	asof_y = y;
	asof_m = m;
	asof_d = d;
}

/* The whole text for -h; only the synopsis after a mistake. */
static void
usage(FILE *f, int status)
{
	if (status == 0)
		fputs(usage_text, f);
	else
		fprintf(f, "%.*s", (int)(strstr(usage_text, "\n\n") -
		    usage_text + 1), usage_text);
	exit(status);
}

static int
takes_value(const char *opt, int is_census)
{
	static const char *const valued[] = { "-n", "-s", "--seed",
	    "--as-of", "--errors" };
	size_t i;

	for (i = 0; i < NELEM(valued); i++)
		if (strcmp(opt, valued[i]) == 0)
			return 1;
	return !is_census && (strcmp(opt, "-k") == 0 ||
	    strcmp(opt, "--visits-per-person") == 0);
}

int
main(int argc, char **argv)
{
	const char *opt, *val;
	char name[32], *end;
	size_t n;
	int i, is_census;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0))
		usage(stdout, 0);
	if (argc < 2)
		usage(stderr, 2);
	if (strcmp(argv[1], "census") == 0)
		is_census = 1;
	else if (strcmp(argv[1], "visits") == 0)
		is_census = 0;
	else {
		fprintf(stderr, "gen: %s: unknown command\n", argv[1]);
		usage(stderr, 2);
	}

	for (i = 2; i < argc; i++) {
		opt = argv[i];
		if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0)
			usage(stdout, 0);
		if (strcmp(opt, "--canonical") == 0) {
			canonical = 1;
			continue;
		}
		if (strcmp(opt, "-v") == 0) {
			verbose = 1;
			continue;
		}
		if (strncmp(opt, "--", 2) == 0 && strchr(opt, '=') != NULL) {
			n = (size_t)(strchr(opt, '=') - opt);
			if (n >= sizeof(name))
				n = sizeof(name) - 1;
			memcpy(name, opt, n);
			name[n] = '\0';
			val = strchr(opt, '=') + 1;
			opt = name;
		} else if (!takes_value(opt, is_census)) {
			fprintf(stderr, "gen: %s: unknown option\n", opt);
			usage(stderr, 2);
		} else if (i + 1 < argc)
			val = argv[++i];
		else {
			fprintf(stderr, "gen: %s: needs a value\n", opt);
			usage(stderr, 2);
		}
		if (strcmp(opt, "-n") == 0)
			npeople = number(opt, val, 0, 40000000);
		else if (strcmp(opt, "-s") == 0 || strcmp(opt, "--seed") == 0) {
			errno = 0;
			seed = strtoull(val, &end, 0);
			if (val[0] == '\0' || val[0] == '-' || *end != '\0' ||
			    errno != 0) {
				fprintf(stderr, "gen: -s: %s: not a seed\n",
				    val);
				exit(2);
			}
		} else if (strcmp(opt, "--as-of") == 0)
			parse_asof(val);
		else if (strcmp(opt, "--errors") == 0)
			errors_pm = (int)number(opt, val, 0, 1000);
		else if (!is_census && (strcmp(opt, "-k") == 0 ||
		    strcmp(opt, "--visits-per-person") == 0))
			per_person = (int)number(opt, val, 0, 30);
		else {
			fprintf(stderr, "gen: %s: unknown option\n", opt);
			usage(stderr, 2);
		}
	}

	asof = days_from_civil(asof_y, asof_m, asof_d);
	year_start = days_from_civil(asof_y, 1, 1);
	init_geo();
	init_ids();
	if (is_census)
		census();
	else
		visits();
	out_flush();
	if (fflush(stdout) != 0 || ferror(stdout))
		die("write error");
	return 0;
}
