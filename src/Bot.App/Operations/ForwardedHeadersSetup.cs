using System.Net;
using Bot.Protocol;
using Microsoft.AspNetCore.HttpOverrides;

namespace Bot.App.Operations;

public static class ForwardedHeadersSetup
{
    /// <summary>
    /// Behind nginx: trust X-Forwarded-For/-Proto only from <c>ForwardedHeaders:KnownProxies</c> (IP list or
    /// one comma-separated value). Off when nothing is configured. The socket address is captured first so
    /// anonymous local mode keeps judging the real peer.
    /// </summary>
    public static WebApplication UseBotForwardedHeaders(this WebApplication app)
    {
        var section = app.Configuration.GetSection("ForwardedHeaders:KnownProxies");
        var proxies = (section.Value is { } one ? one.Split(',') : section.GetChildren().Select(c => c.Value ?? ""))
            .Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        if (proxies.Count == 0)
            return app;
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1,
        };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var p in proxies)
            options.KnownProxies.Add(IPAddress.TryParse(p, out var ip)
                ? ip
                : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{p}' is not an IP address."));
        app.UseSocketAddressCapture();
        app.UseForwardedHeaders(options);
        return app;
    }
}
