using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Bot.Protocol;

/// <summary>
/// The TCP peer of a request, remembered before ForwardedHeaders rewrites <c>Connection.RemoteIpAddress</c>.
/// Anonymous local mode must be decided on the socket, never on a header a client can write.
/// </summary>
public static class PeerAddress
{
    private sealed record Feature(IPAddress? Address);

    /// <summary>Call before <c>UseForwardedHeaders</c>.</summary>
    public static IApplicationBuilder UseSocketAddressCapture(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.Features.Set(new Feature(http.Connection.RemoteIpAddress));
            return next(http);
        });

    public static IPAddress? Of(HttpContext http) =>
        http.Features.Get<Feature>() is { } captured ? captured.Address : http.Connection.RemoteIpAddress;
}
