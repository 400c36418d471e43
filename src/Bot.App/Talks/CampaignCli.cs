using System.Text.Json;
using Bot.App.Cli;
using Bot.App.Data;
using Bot.App.Identity;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Talks;

/// <summary>
/// <c>campaigns create --title … --kind 集体约谈 --deadline 2026-12-20 (--all | --units a/b,c | --leaders x@y) [--cascade 1] [--topics "a;b"]</c>
/// and <c>campaigns list</c>. Reminders go out from the running bot (it reads the plan from the same database).
/// </summary>
public static class CampaignCli
{
    public const string Usage = "用法：campaigns create --title 标题 --kind 集体约谈|廉政谈话|提醒谈话 --deadline YYYY-MM-DD (--all | --units 单位路径,… | --leaders 邮箱,…) [--cascade 0-3] [--topics \"主题1;主题2\"] [--description 说明]\n      campaigns list";

    public static async Task<int> RunAsync(string[] args)
    {
        // Only --Key=value settings (e.g. --Data:Directory=/srv/bot) reach the configuration; the rest are our options.
        var builder = Cli.Cli.CreateBuilder(args.Skip(2).Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)).ToArray());
        builder.Services.AddScoped<AuditLog>();
        builder.Services.AddScoped<CallerResolver>();
        builder.Services.AddSingleton(sp => WorkCalendar.Load(sp.GetRequiredService<DataOptions>()));
        builder.Services.AddScoped<TalkAudience>();
        builder.Services.AddScoped<CampaignService>();
        using var host = builder.Build();
        await DataSetup.MigrateAsync(host.Services, CancellationToken.None);
        await using var scope = host.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        switch (args.ElementAtOrDefault(1))
        {
            case "list":
                foreach (var c in await sp.GetRequiredService<BotDbContext>().Set<Campaign>().OrderBy(c => c.Id).ToListAsync())
                    Console.WriteLine($"{c.Id}\t{c.Kind}\t{c.Deadline:yyyy-MM-dd}\t{c.Title}");
                return 0;
            case "create":
                var o = Options(args.Skip(2).ToArray());
                var scopeSpec = o.ContainsKey("all") ? new CampaignScope(All: true)
                    : o.TryGetValue("units", out var u) ? new CampaignScope(Units: Split(u))
                    : o.TryGetValue("leaders", out var l) ? new CampaignScope(Leaders: Split(l)) : null;
                var request = new CampaignRequest(o.GetValueOrDefault("title"), o.GetValueOrDefault("kind"), o.GetValueOrDefault("description"),
                    o.TryGetValue("topics", out var t) ? t.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() : null,
                    o.GetValueOrDefault("deadline"), scopeSpec, int.TryParse(o.GetValueOrDefault("cascade") ?? "0", out var d) ? d : -1);
                var result = await sp.GetRequiredService<CampaignService>().CreateAsync(request, "cli:" + Environment.UserName, CancellationToken.None);
                if (!result.Ok)
                {
                    foreach (var e in result.Errors)
                        Console.Error.WriteLine("错误：" + e);
                    Console.Error.WriteLine(Usage);
                    return 2;
                }
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    id = result.Campaign!.Id,
                    assignments = result.Assignments,
                    unreachable = result.Unreachable.Select(x => $"{x.Name}：{x.Reason}"),
                    notes = result.Notes,
                }, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static List<string> Split(string s) => s.Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static Dictionary<string, string> Options(string[] args)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Contains('=', StringComparison.Ordinal))
                continue;
            var name = args[i][2..];
            var value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "";
            result[name] = value;
        }
        return result;
    }
}
