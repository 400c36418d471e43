using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Bot.Tests.WeCom;

/// <summary>
/// WeCom's side of the crypto, played by the official <c>@wecom/crypto</c> npm package through
/// tests/e2e/wecom/crypto-peer.js. Missing node or node_modules fail the test (run tests/run.sh).
/// </summary>
public static class WeComPeer
{
    public static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Bot.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Repository root (Bot.sln) not found above " + AppContext.BaseDirectory);
    }

    public static async Task<JsonArray> RunAsync(params JsonObject[] ops)
    {
        var e2e = Path.Combine(RepoRoot, "tests", "e2e");
        if (!Directory.Exists(Path.Combine(e2e, "node_modules", "@wecom", "crypto")))
            Assert.Fail("@wecom/crypto is not installed in tests/e2e/node_modules: run tests/run.sh (it runs npm ci).");
        var start = new ProcessStartInfo("node", Path.Combine("wecom", "crypto-peer.js"))
        {
            WorkingDirectory = e2e,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail("node is not installed: run tests/run.sh.");
            throw;
        }
        using (process)
        {
            await process.StandardInput.WriteAsync(new JsonArray([.. ops]).ToJsonString());
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, "crypto-peer.js failed: " + error);
            var results = JsonNode.Parse(output)!.AsArray();
            foreach (var r in results)
                Assert.True(r?["error"] is null, "crypto-peer.js: " + r?["error"]);
            return results;
        }
    }

    public static async Task<string> EncryptAsync(string key, string message, string id, string? random = null)
    {
        var op = new JsonObject { ["op"] = "encrypt", ["key"] = key, ["message"] = message, ["id"] = id };
        if (random is not null)
            op["random"] = random;
        return (await RunAsync(op))[0]!["encrypt"]!.GetValue<string>();
    }

    public static async Task<string> SignAsync(string token, string timestamp, string nonce, string encrypt) =>
        (await RunAsync(new JsonObject { ["op"] = "sign", ["token"] = token, ["timestamp"] = timestamp, ["nonce"] = nonce, ["encrypt"] = encrypt }))[0]!["signature"]!.GetValue<string>();

    public static async Task<(string Message, string Id)> DecryptAsync(string key, string encrypt)
    {
        var r = (await RunAsync(new JsonObject { ["op"] = "decrypt", ["key"] = key, ["encrypt"] = encrypt }))[0]!;
        return (r["message"]!.GetValue<string>(), r["id"]!.GetValue<string>());
    }
}
