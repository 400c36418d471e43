using Bot.App.Regulations;

namespace Bot.Tests.Regulations;

public sealed class LexiconTests
{
    private static readonly Lexicon Words = Lexicon.Empty with
    {
        Colloquial = [("红包", ["礼金"]), ("收红包", ["收受", "礼金"]), ("成年", ["成年人"]), ("未成年", ["未成年人"]), ("公车", ["公务用车"])],
    };

    [Fact]
    public void ALongerColloquialPhraseHidesTheShorterOneInsideIt()
    {
        Assert.Equal(["收红包"], Words.Matches("收红包会怎样").Select(m => m.Colloquial));
        Assert.Equal(["未成年"], Words.Matches("未成年打工").Select(m => m.Colloquial));
    }

    [Fact]
    public void AShorterPhraseStillCountsWhereItAlsoStandsAlone()
    {
        // 红包 occurs twice: once inside 收红包, once on its own.
        Assert.Equal(["收红包", "红包"], Words.Matches("收红包和送红包").Select(m => m.Colloquial).Order(StringComparer.Ordinal));
        Assert.Equal(["公车", "收红包"], Words.Matches("开公车去收红包").Select(m => m.Colloquial).Order(StringComparer.Ordinal));
        Assert.Empty(Words.Matches("公务接待标准"));
    }

    [Fact]
    public void TheShippedColloquialListIsWellFormed()
    {
        var lexicon = Fixtures.Lexicon();
        Assert.True(lexicon.Colloquial.Count > 500);
        Assert.All(lexicon.Colloquial, c =>
        {
            Assert.True(c.Colloquial.Length >= 2, c.Colloquial);
            Assert.NotEmpty(c.Formal);
            Assert.False(c.Formal.SequenceEqual([c.Colloquial]), $"{c.Colloquial} only maps to itself");
        });
        Assert.Equal(lexicon.Colloquial.Count, lexicon.Colloquial.Select(c => c.Colloquial).Distinct().Count());
    }
}
