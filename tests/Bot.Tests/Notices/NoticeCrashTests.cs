using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Bot.Tests.Notices;

/// <summary>
/// The crash-safety property on the real executable: the bot runs as a child process over one data folder and is
/// killed (SIGKILL) at random moments while broadcasting; after restarts every recipient has the notice exactly
/// once, except at most the in-flight sends of each kill, counted by the fake connector.
/// </summary>
public sealed class NoticeCrashTests(ITestOutputHelper output)
{
    private const int Recipients = 200;
    private const int Kills = 5;
    private const int MaxInFlight = 8;

    [Fact]
    public async Task KillingTheBotAtRandomPointsLosesNoRecipientAndDuplicatesStayWithinTheInFlightBound()
    {
        await using var connector = await LoopbackConnector.StartAsync(maxDelayMs: 25);
        var dataDir = Path.Combine(Path.GetTempPath(), "notice-crash-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "crash-key");
        using var channel = new HttpClient { BaseAddress = http.BaseAddress, Timeout = TimeSpan.FromSeconds(10) }; // anonymous, as the local channel
        var bot = await StartBotAsync(port, dataDir, http);
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(1, Recipients), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                var response = await channel.PostAsync("api/messages", new StringContent(Install(i, connector.Url).ToJsonString(), Encoding.UTF8, "application/json"), ct);
                response.EnsureSuccessStatusCode();
            });
            await WaitAsync(() => connector.Count("欢迎使用") >= Recipients, TimeSpan.FromSeconds(60));

            var title = "崩溃测试-" + Guid.NewGuid().ToString("N")[..8];
            var created = await http.PostAsJsonAsync("api/admin/notices", new { title, body = "b", audience = new { all = true } });
            Assert.Equal(System.Net.HttpStatusCode.Accepted, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<int>();

            for (var k = 0; k < Kills; k++)
            {
                // Kill while sending: after a random number of further deliveries (or a random pause when it is already done).
                var target = connector.Count(title) + Random.Shared.Next(1, 25);
                await WaitAsync(() => connector.Count(title) >= Math.Min(target, Recipients), TimeSpan.FromSeconds(30));
                await Task.Delay(Random.Shared.Next(0, 60));
                var before = connector.Count(title);
                bot.Kill(entireProcessTree: true);
                await bot.WaitForExitAsync();
                output.WriteLine($"kill {k + 1}: {before} notice posts seen by the connector");
                bot.Dispose();
                bot = await StartBotAsync(port, dataDir, http);
            }

            JsonObject? status = null;
            await WaitAsync(async () =>
            {
                status = await http.GetFromJsonAsync<JsonObject>($"api/admin/notices/{id}");
                return status!["status"]!.GetValue<string>() == "sent";
            }, TimeSpan.FromSeconds(90));

            var posts = connector.Count(title);
            var distinct = connector.Distinct(title);
            output.WriteLine($"posts={posts} distinct={distinct} status={status!.ToJsonString()}");
            Assert.Equal(Recipients, distinct);                          // lost = 0
            Assert.InRange(posts - distinct, 0, Kills * MaxInFlight);   // duplicates ≤ in-flight bound per kill
        }
        finally
        {
            if (!bot.HasExited)
                bot.Kill(entireProcessTree: true);
            bot.Dispose();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }

    private static JsonObject Install(int i, string serviceUrl) => new()
    {
        ["type"] = "installationUpdate",
        ["action"] = "add",
        ["id"] = "install-" + i,
        ["channelId"] = "msteams",
        ["serviceUrl"] = serviceUrl,
        ["from"] = new JsonObject { ["id"] = $"29:crash{i}", ["name"] = $"用户{i}" },
        ["recipient"] = new JsonObject { ["id"] = "28:bot" },
        ["conversation"] = new JsonObject { ["id"] = $"a:crash{i}", ["conversationType"] = "personal", ["tenantId"] = "tenant-1" },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" } },
    };

    private static async Task<Process> StartBotAsync(int port, string dataDir, HttpClient http)
    {
        var dll = BotAppDll();
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", $"\"{dll}\"")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development"; // anonymous activities from loopback
        info.Environment["Urls"] = $"http://127.0.0.1:{port}";
        info.Environment["MicrosoftAppId"] = "";
        info.Environment["Data__Directory"] = dataDir;
        info.Environment["AdminApi__Keys__crash"] = "crash-key";
        info.Environment["Notices__TenantLimits__0__Count"] = "40";
        info.Environment["Notices__MaxInFlight"] = MaxInFlight.ToString();
        info.Environment["Notices__PollSeconds"] = "0.2";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitAsync(async () =>
        {
            try
            {
                return (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "api/messages"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60));
        return process;
    }

    /// <summary>The app's own build output (with its runtimeconfig), found from the repository root.</summary>
    private static string BotAppDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bot.sln")))
            dir = dir.Parent;
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(dir!.FullName, "src", "Bot.App", "bin", configuration, "net10.0", "Bot.App.dll");
        Assert.True(File.Exists(dll), dll + " not built");
        return dll;
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static Task WaitAsync(Func<bool> condition, TimeSpan timeout) => WaitAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > timeout)
                throw new TimeoutException("condition not reached within " + timeout);
            await Task.Delay(100);
        }
    }
}
