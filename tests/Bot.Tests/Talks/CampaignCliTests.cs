using Bot.App.Talks;
using Microsoft.EntityFrameworkCore;

namespace Bot.Tests.Talks;

public sealed class CampaignCliTests
{
    [Fact]
    public async Task CliCreatesCampaignInTheBotsDatabase()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bot-tests-cli-" + Guid.NewGuid().ToString("N"));
        var config = new Dictionary<string, string?> { ["Data:Directory"] = dir };
        try
        {
            using (var app = new BotApp(config: config))
                TalkWorld.Seed(app);
            var deadline = DateTime.UtcNow.AddDays(20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(2, await CampaignCli.RunAsync(["campaigns", "create", "--title", "CLI 约谈", "--kind", "座谈", "--deadline", deadline, "--all", $"--Data:Directory={dir}"]));
            Assert.Equal(0, await CampaignCli.RunAsync(["campaigns", "create", "--title", "CLI 约谈", "--kind", "廉政谈话", "--deadline", deadline,
                "--units", "县委组织部/干部科", "--cascade", "0", $"--Data:Directory={dir}"]));

            using var check = new BotApp(config: config);
            var campaign = check.WithDb(db => db.Set<Campaign>().AsNoTracking().Single());
            Assert.Equal("廉政谈话", campaign.Kind);
            Assert.Equal(6, campaign.Topics.Count);
            Assert.Equal(["刘洋"], check.WithDb(db => db.Set<Assignment>().Select(a => a.LeaderId).ToList())
                .Select(id => check.WithDb(db => db.Set<Bot.App.Org.Person>().Single(p => p.Id == id).Name)));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
