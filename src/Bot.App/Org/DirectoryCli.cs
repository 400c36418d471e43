using Bot.App.Data;

namespace Bot.App.Org;

/// <summary><c>directory import &lt;file.csv|file.xlsx&gt;</c> and <c>directory template &lt;out.csv|out.xlsx&gt;</c>.</summary>
public static class DirectoryCli
{
    private const string Usage = "用法：directory import <名单.csv|名单.xlsx>    或    directory template <输出.csv|输出.xlsx>";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not [_, "import" or "template", var file, ..])
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        if (args[1] == "template")
        {
            await File.WriteAllBytesAsync(file, file.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase)
                ? DirectoryFile.XlsxTemplate() : DirectoryFile.CsvTemplate());
            Console.WriteLine($"模板已写入 {file}");
            return 0;
        }
        if (!File.Exists(file))
        {
            await Console.Error.WriteLineAsync($"找不到文件：{file}");
            return 2;
        }
        var builder = Bot.App.Cli.Cli.CreateBuilder(args[3..]);
        builder.Services.AddDirectoryCore();
        using var host = builder.Build();
        await DataSetup.MigrateAsync(host.Services, CancellationToken.None);
        await using var scope = host.Services.CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<DirectoryImporter>();
        var report = await importer.ImportAsync(await File.ReadAllBytesAsync(file), null, "cli:" + Environment.UserName, null,
            new ProgressBar(Console.Error), CancellationToken.None);
        Console.WriteLine(report.ToText(int.MaxValue));
        return report.Applied ? 0 : 1;
    }

    /// <summary>Redraws one stderr line: "校验 [##########----------]  50% 500/1000".</summary>
    private sealed class ProgressBar(TextWriter output) : IProgress<ImportProgress>
    {
        private const int Width = 30;

        public void Report(ImportProgress value)
        {
            var fraction = value.Total == 0 ? 1 : (double)value.Done / value.Total;
            var filled = (int)Math.Round(fraction * Width);
            output.Write($"\r{value.Phase} [{new string('#', filled)}{new string('-', Width - filled)}] {fraction,4:P0} {value.Done}/{value.Total}");
            if (value.Done >= value.Total)
                output.WriteLine();
        }
    }
}
