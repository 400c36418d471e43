using Bot.App.Data;

namespace Bot.App.Cli;

/// <summary>
/// Sub-commands of the app's own executable (<c>dotnet Bot.App.dll regulations import …</c>). They use the
/// same configuration and <c>Data:Directory</c> as the bot but start no web server and no scheduler;
/// progress goes to stderr, results to stdout.
/// </summary>
public static class Cli
{
    /// <summary>Command name → runner. Each feature adds its entry here.</summary>
    private static readonly Dictionary<string, Func<string[], Task<int>>> Commands = new(StringComparer.Ordinal)
    {
        ["directory"] = Org.DirectoryCli.RunAsync,
        ["campaigns"] = Talks.CampaignCli.RunAsync,
        ["regulations"] = Regulations.RegulationCli.RunAsync,
    };

    public static bool IsCommand(string[] args) => args.Length > 0 && Commands.ContainsKey(args[0]);

    public static Task<int> RunAsync(string[] args) => Commands[args[0]](args);

    /// <summary>A host with configuration, logging to stderr and the bot's database, but no web server.</summary>
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddBotDataForCli();
        return builder;
    }
}
