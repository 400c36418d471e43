namespace Bot.App.Regulations;

/// <summary>
/// The editable word lists in <c>regulations/</c>: regulation aliases (处分条例 → 中国共产党纪律处分条例),
/// colloquial → formal wording (红包 → 礼金) and question filler words. Plain tab-separated text so an
/// administrator can extend them without a build; <c>#</c> starts a comment.
/// </summary>
public sealed record Lexicon(
    IReadOnlyList<(string Alias, string Title)> Aliases,
    IReadOnlyList<(string Colloquial, string[] Formal)> Colloquial,
    IReadOnlySet<string> Filler)
{
    /// <summary>The learned re-ranker (<c>ranker.json</c>); null keeps the hand-set combination.</summary>
    public RegulationRanker? Ranker { get; init; }

    /// <summary>What could not be loaded (reported by the bot's log and the CLI's stderr).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public static readonly Lexicon Empty = new([], [], new HashSet<string>());

    public static Lexicon Load(string folder)
    {
        IEnumerable<string[]> Rows(string file)
        {
            var path = Path.Combine(folder, file);
            if (!File.Exists(path))
                return [];
            return File.ReadAllLines(path)
                .Select(l => l.Split('#', 2)[0].Trim())
                .Where(l => l.Length > 0)
                .Select(l => l.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        return new Lexicon(
            Rows("aliases.tsv").Where(r => r.Length >= 2).Select(r => (r[0], r[1])).ToList(),
            Rows("colloquial.tsv").Where(r => r.Length >= 2)
                .Select(r => (r[0], r[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList(),
            Rows("filler.txt").SelectMany(r => r).SelectMany(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet())
        {
            Ranker = RegulationRanker.Load(folder, out var problem),
            Problems = problem is null ? [] : [problem],
        };
    }

    /// <summary>
    /// The colloquial entries that occur in <paramref name="question"/>. An entry whose every occurrence lies inside
    /// the occurrence of a longer matching entry is left out (收红包 wins over 红包, 未成年 over 成年): the longer
    /// phrase says what is meant, and overlapping entries would otherwise add their formal words twice.
    /// </summary>
    public IReadOnlyList<(string Colloquial, string[] Formal)> Matches(string question)
    {
        var found = new List<(int Start, int End, int Entry)>();
        for (var i = 0; i < Colloquial.Count; i++)
        {
            var word = Colloquial[i].Colloquial;
            for (var at = question.IndexOf(word, StringComparison.Ordinal); at >= 0; at = question.IndexOf(word, at + 1, StringComparison.Ordinal))
                found.Add((at, at + word.Length, i));
        }
        return found
            .Where(m => !found.Any(o => o.End - o.Start > m.End - m.Start && o.Start <= m.Start && o.End >= m.End))
            .Select(m => m.Entry).Distinct().Order()
            .Select(i => Colloquial[i]).ToList();
    }

    /// <summary>regulations/ beside the binary (published, CLI) or at the repository root (dotnet run, tests).</summary>
    public static string Locate(string contentRoot, string? configured) =>
        string.IsNullOrWhiteSpace(configured)
            ? Cards.CardTemplates.LocateFolder(contentRoot, "regulations")
            : Path.GetFullPath(configured, contentRoot);
}
