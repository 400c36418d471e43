namespace Bot.App.Regulations;

/// <summary>Article numbers as written in Chinese legal texts: 一 … 九十九 … 一千零二十三, 两百, 〇, or Arabic digits.</summary>
public static class ChineseNumerals
{
    private const string Digits = "零一二三四五六七八九";

    public const string Chars = "零〇一二两三四五六七八九十百千万0123456789０１２３４５６７８９";

    public static int? Parse(string s)
    {
        s = s.Trim();
        if (s.Length == 0)
            return null;
        if (s.All(c => c is >= '0' and <= '9' or >= '０' and <= '９'))
        {
            var v = 0;
            foreach (var c in s)
                v = checked(v * 10 + (c >= '０' ? c - '０' : c - '0'));
            return v;
        }
        int total = 0, section = 0, digit = 0;
        bool any = false, hasDigit = false;
        foreach (var c in s)
        {
            var d = DigitOf(c);
            if (d >= 0)
            {
                digit = d;
                any = hasDigit = true;
                continue;
            }
            var unit = c switch { '十' => 10, '百' => 100, '千' => 1000, '万' => 10000, _ => 0 };
            if (unit == 0)
                return null;
            if (unit == 10000)
            {
                total += (section + digit) * 10000;
                section = digit = 0;
            }
            else
            {
                // "十二" and "一百十" : a unit without its own digit counts as one of it.
                section += (hasDigit ? digit : 1) * unit;
                digit = 0;
            }
            hasDigit = false;
            any = true;
        }
        return any ? total + section + digit : null;
    }

    private static int DigitOf(char c) => c switch
    {
        '零' or '〇' => 0,
        '两' => 2,
        _ => Digits.IndexOf(c) is var i and > 0 ? i : c is >= '0' and <= '9' ? c - '0' : -1,
    };

    /// <summary>The official spelling: 十二, 一百零五, 一千零二十三, 二百一十.</summary>
    public static string Format(int n)
    {
        if (n <= 0)
            return n == 0 ? "零" : "负" + Format(-n);
        if (n >= 10000)
            return Format(n / 10000) + "万" + (n % 10000 == 0 ? "" : (n % 10000 < 1000 ? "零" : "") + Format(n % 10000));
        var units = new[] { (1000, "千"), (100, "百"), (10, "十") };
        var sb = new System.Text.StringBuilder();
        var zero = false;
        var started = false;
        foreach (var (value, name) in units)
        {
            var d = n / value % 10;
            if (d == 0)
            {
                zero |= started;
                continue;
            }
            if (zero)
                sb.Append('零');
            zero = false;
            if (!(value == 10 && d == 1 && !started))
                sb.Append(Digits[d]);
            sb.Append(name);
            started = true;
        }
        if (n % 10 != 0)
        {
            if (zero || started && n % 100 < 10)
                sb.Append('零');
            sb.Append(Digits[n % 10]);
        }
        return sb.ToString();
    }

    /// <summary>第十二条 / 第十二条之一.</summary>
    public static string ArticleLabel(int number, int sub) =>
        "第" + Format(number) + "条" + (sub > 0 ? "之" + Format(sub) : "");
}
