using System.Diagnostics;

namespace Bot.Tests.Cards;

/// <summary>
/// Runs the Node checks in tests/e2e (Microsoft's own npm libraries) from xunit. A missing node or node_modules is a
/// test FAILURE with instructions, never a skip: these checks are the proof that our cards and manifest are valid.
/// </summary>
internal static class NodeScript
{
    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bot.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Bot.sln not found above {AppContext.BaseDirectory}");
    }

    public static string E2e(params string[] parts) => Path.Combine([RepoRoot, "tests", "e2e", .. parts]);

    public static (int ExitCode, string Stdout, string Stderr) Run(string script, params string[] args)
    {
        var modules = E2e("node_modules", "adaptivecards-templating");
        Assert.True(Directory.Exists(modules),
            $"{modules} is missing: the Node packages of tests/e2e are not installed. Run tests/run.sh (or `npm ci` in tests/e2e).");
        return Run("node", [E2e(script), .. args], "Node.js is not installed; run tests/run.sh, which installs what the tests need.");
    }

    /// <summary>Runs a validator that prints <c>{"errors":[…],"warnings":[…]}</c> with --json and exits 1 on errors.</summary>
    public static (List<string> Errors, List<string> Warnings) Check(string script, params string[] args)
    {
        var (exit, stdout, stderr) = Run(script, [.. args, "--json"]);
        Assert.True(exit is 0 or 1, $"{script} failed (exit {exit}): {stderr}{stdout}");
        var result = System.Text.Json.Nodes.JsonNode.Parse(stdout)!;
        var errors = result["errors"]!.AsArray().Select(e => (string)e!).ToList();
        Assert.Equal(errors.Count == 0 ? 0 : 1, exit);
        return (errors, result["warnings"]!.AsArray().Select(e => (string)e!).ToList());
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(string program, string[] args, string missingHint)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{program}: {e.Message}. {missingHint}");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{program} {string.Join(' ', args)} timed out");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
