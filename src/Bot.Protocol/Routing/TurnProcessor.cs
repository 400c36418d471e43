using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Protocol.Routing;

/// <summary>
/// Runs turns: invokes inline (the channel waits for the body), everything else on background lanes so
/// the HTTP request is acknowledged at once. A conversation always maps to the same lane, so one user's
/// messages are handled in order. On shutdown the lanes are drained before the host stops.
/// </summary>
public sealed partial class TurnProcessor(ActivityRouter router, IServiceScopeFactory scopes, ILogger<TurnProcessor> logger)
    : IHostedService
{
    private const int Lanes = 4;
    private readonly Channel<(Activity Activity, IActivitySender Sender)>[] lanes =
        [.. Enumerable.Range(0, Lanes).Select(_ => Channel.CreateUnbounded<(Activity, IActivitySender)>(new() { SingleReader = true }))];
    private Task[] workers = [];
    private int pending;

    /// <summary>Turns accepted but not yet finished.</summary>
    public int Pending => Volatile.Read(ref pending);

    public bool Enqueue(Activity activity, IActivitySender sender)
    {
        var lane = (int)((uint)StringComparer.Ordinal.GetHashCode(activity.Conversation?.Id ?? "") % Lanes);
        Interlocked.Increment(ref pending);
        if (lanes[lane].Writer.TryWrite((activity, sender)))
            return true;
        Interlocked.Decrement(ref pending);
        return false;
    }

    public async Task<InvokeResponse?> RunAsync(Activity activity, IActivitySender sender, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        // A message-template scope: structured key/values for the JSON formatter, readable text for the simple one.
        using var _ = logger.BeginScope("Activity {ActivityId} in {ConversationId} on {ChannelId}",
            activity.Id, activity.Conversation?.Id, activity.ChannelId);
        var turn = new TurnContext(activity, sender, scope.ServiceProvider);
        try
        {
            return await router.RouteAsync(turn, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTurnFailed(logger, ex, activity.Type, activity.Id);
            if (activity.Type == ActivityTypes.Invoke)
                return InvokeResponse.Error(500, "InternalError", "处理时出错了，请稍后再试。");
            await TrySayAsync(turn, "抱歉，处理时出错了，请稍后再试。如问题持续，请联系管理员。");
            return null;
        }
    }

    private async Task TrySayAsync(TurnContext turn, string text)
    {
        try
        {
            await turn.SendTextAsync(text, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogApologyFailed(logger, ex);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        workers = [.. lanes.Select(lane => Task.Run(() => DrainAsync(lane.Reader), CancellationToken.None))];
        return Task.CompletedTask;
    }

    private async Task DrainAsync(ChannelReader<(Activity Activity, IActivitySender Sender)> reader)
    {
        await foreach (var (activity, sender) in reader.ReadAllAsync())
        {
            try
            {
                await RunAsync(activity, sender, CancellationToken.None);
            }
            finally
            {
                Interlocked.Decrement(ref pending);
            }
        }
    }

    /// <summary>Stops taking work and waits for accepted turns to finish (bounded by the host's shutdown timeout).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var lane in lanes)
            lane.Writer.TryComplete();
        LogDraining(logger, Pending);
        await Task.WhenAll(workers).WaitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Turn failed for {Type} activity {ActivityId}")]
    private static partial void LogTurnFailed(ILogger logger, Exception ex, string? type, string? activityId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the user that the turn failed")]
    private static partial void LogApologyFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: finishing {Pending} accepted turns")]
    private static partial void LogDraining(ILogger logger, int pending);
}
