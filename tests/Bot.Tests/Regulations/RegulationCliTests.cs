using System.Diagnostics;
using System.Text.Json.Nodes;
using Bot.App.Regulations;

namespace Bot.Tests.Regulations;

/// <summary>The real executable: <c>dotnet Bot.App.dll regulations import|search</c>, as an operator runs it.</summary>
public sealed class RegulationCliTests : IDisposable
{
    private readonly string folder = Fixtures.WriteFolder();
    private string Data => Path.Combine(folder, "data");

    public void Dispose()
    {
        try { Directory.Delete(folder, true); } catch (IOException) { }
    }

    private async Task<(int Code, string Out, string Err)> RunAsync(string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Bot.App.dll"));
        foreach (var a in args)
            start.ArgumentList.Add(a);
        start.ArgumentList.Add("--Data:Directory=" + Data);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task ImportPrintsTheReportAndBatchSearchWritesOneJsonLinePerQuestion()
    {
        var import = await RunAsync(null, "regulations", "import", Path.Combine(folder, "规章"), Path.Combine(folder, "法典"));
        Assert.Equal(0, import.Code);
        Assert.Contains("导入 5 个文件", import.Out);
        Assert.Contains($"{Fixtures.CarTitle}：2 个版本，现行版本 2023-06-01", import.Out);
        Assert.Contains("100%", import.Err); // progress bar on stderr

        var search = await RunAsync("接待时能不能送购物卡\n示例法典第三条\n\n", "regulations", "search", "--batch", "--top", "3");

        Assert.Equal(0, search.Code);
        var lines = search.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        var first = JsonNode.Parse(lines[0])!.AsObject();
        Assert.Equal(0, first["q"]!.GetValue<int>());
        var top = first["results"]![0]!.AsObject();
        Assert.Equal(["title", "article", "source", "version", "score"], top.Select(p => p.Key));
        Assert.Equal(Fixtures.ReceptionTitle, top["title"]!.GetValue<string>());
        Assert.Equal("第五条", top["article"]!.GetValue<string>());
        Assert.Equal("公务接待.txt", top["source"]!.GetValue<string>());
        Assert.Equal("2024-03-01", top["version"]!.GetValue<string>());
        Assert.True(top["score"]!.GetValue<double>() > 0);
        Assert.InRange(first["results"]!.AsArray().Count, 1, 3);

        var second = JsonNode.Parse(lines[1])!.AsObject();
        Assert.Equal(1, second["q"]!.GetValue<int>());
        Assert.Equal("第三条", second["results"]![0]!["article"]!.GetValue<string>());
        Assert.Equal("合同编.md", second["results"]![0]!["source"]!.GetValue<string>());
        Assert.Equal("2025-01-01", second["results"]![0]!["version"]!.GetValue<string>());

        var empty = JsonNode.Parse(lines[2])!.AsObject();
        Assert.Equal(2, empty["q"]!.GetValue<int>());
        Assert.Empty(empty["results"]!.AsArray());
    }

    [Fact]
    public async Task SearchOnAnEmptyLibraryExplainsWhatToDo()
    {
        var result = await RunAsync(null, "regulations", "search", "公车私用");
        Assert.NotEqual(0, result.Code);
        Assert.Contains("regulations import", result.Err);
    }
}
