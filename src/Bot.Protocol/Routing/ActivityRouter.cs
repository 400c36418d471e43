using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Bot.Protocol.Routing;

public delegate Task TurnHandler(TurnContext turn, CancellationToken ct);
public delegate Task<CardActionResult> CardActionHandler(TurnContext turn, CardAction action, CancellationToken ct);
public delegate Task<InvokeResponse> InvokeHandler(TurnContext turn, CancellationToken ct);
public delegate Task TurnMiddleware(TurnContext turn, Func<Task> next, CancellationToken ct);
public delegate ValueTask<bool> TextMatcher(TurnContext turn, CancellationToken ct);

/// <summary>Order in which text routes are tried. The first stage with a matching route wins.</summary>
public enum TextStage
{
    /// <summary>An unfinished multi-step dialog of this user.</summary>
    Dialog = 0,
    /// <summary>Fixed command keywords.</summary>
    Command = 1,
    /// <summary>Phrases a feature recognises without a command keyword.</summary>
    Intent = 2,
    /// <summary>Everything else (e.g. free-text question answering).</summary>
    Fallback = 3,
}

/// <summary>
/// The single dispatch table of the bot. Registrations are explicit; a duplicate name, verb or activity
/// type throws at start-up instead of silently shadowing another feature.
/// </summary>
public sealed partial class ActivityRouter(ILogger<ActivityRouter> logger)
{
    private readonly List<TurnMiddleware> middleware = [];
    private readonly List<(TextStage Stage, string Name, TextMatcher Match, TurnHandler Handler)> textRoutes = [];
    private readonly Dictionary<string, string> commandKeywords = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CardActionHandler> cardActions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InvokeHandler> invokes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TurnHandler> activities = new(StringComparer.Ordinal);

    public ActivityRouter Use(TurnMiddleware step)
    {
        middleware.Add(step);
        return this;
    }

    public ActivityRouter OnText(TextStage stage, string name, TextMatcher match, TurnHandler handler)
    {
        if (textRoutes.Any(r => r.Name == name))
            throw new InvalidOperationException($"Text route '{name}' is registered twice.");
        textRoutes.Add((stage, name, match, handler));
        // OrderBy is stable: routes of one stage keep their registration order.
        var ordered = textRoutes.OrderBy(r => r.Stage).ToList();
        textRoutes.Clear();
        textRoutes.AddRange(ordered);
        return this;
    }

    /// <summary>A command: the text equals one of the keywords, or starts with one followed by a space.</summary>
    public ActivityRouter OnCommand(string name, IReadOnlyCollection<string> keywords, TurnHandler handler)
    {
        foreach (var k in keywords)
            if (commandKeywords.TryGetValue(k, out var owner))
                throw new InvalidOperationException($"Command keyword '{k}' is registered twice ('{owner}' and '{name}').");
        OnText(TextStage.Command, name, (turn, _) => ValueTask.FromResult(MatchesCommand(turn.Text, keywords)), handler);
        foreach (var k in keywords)
            commandKeywords[k] = name;
        return this;
    }

    public ActivityRouter OnCardAction(string verb, CardActionHandler handler)
    {
        if (!cardActions.TryAdd(verb, handler))
            throw new InvalidOperationException($"Card verb '{verb}' is registered twice.");
        return this;
    }

    public ActivityRouter OnInvoke(string name, InvokeHandler handler)
    {
        if (name == InvokeNames.AdaptiveCardAction)
            throw new InvalidOperationException("Register card actions with OnCardAction.");
        if (!invokes.TryAdd(name, handler))
            throw new InvalidOperationException($"Invoke '{name}' is registered twice.");
        return this;
    }

    public ActivityRouter OnActivity(string type, TurnHandler handler)
    {
        if (!activities.TryAdd(type, handler))
            throw new InvalidOperationException($"Activity type '{type}' is registered twice.");
        return this;
    }

    public static bool MatchesCommand(string text, IEnumerable<string> keywords) =>
        keywords.Any(k => text.Equals(k, StringComparison.OrdinalIgnoreCase)
                          || text.StartsWith(k + " ", StringComparison.OrdinalIgnoreCase)
                          || text.StartsWith("/" + k, StringComparison.OrdinalIgnoreCase) && text.Length == k.Length + 1);

    /// <summary>Runs middleware and the matching handler. Returns the invoke response for invokes, else null.</summary>
    public async Task<InvokeResponse?> RouteAsync(TurnContext turn, CancellationToken ct)
    {
        InvokeResponse? response = null;
        var index = -1;
        async Task Next()
        {
            index++;
            if (index < middleware.Count)
                await middleware[index](turn, Next, ct);
            else
                response = await DispatchAsync(turn, ct);
        }
        await Next();
        if (turn.Activity.Type == ActivityTypes.Invoke)
            return response ?? InvokeResponse.NotImplemented;
        return null;
    }

    private async Task<InvokeResponse?> DispatchAsync(TurnContext turn, CancellationToken ct)
    {
        var a = turn.Activity;
        switch (a.Type)
        {
            case ActivityTypes.Invoke when a.Name == InvokeNames.AdaptiveCardAction:
                return await ExecuteAsync(turn, ct);
            case ActivityTypes.Invoke:
                return a.Name is { } n && invokes.TryGetValue(n, out var invoke)
                    ? await invoke(turn, ct)
                    : InvokeResponse.NotImplemented;
            case ActivityTypes.Message when a.Value is JsonObject value && string.IsNullOrWhiteSpace(a.Text):
                await SubmitAsync(turn, value, ct);
                return null;
            case ActivityTypes.Message:
                await TextAsync(turn, ct);
                return null;
            default:
                if (a.Type is { } t && activities.TryGetValue(t, out var handler))
                    await handler(turn, ct);
                return null;
        }
    }

    private async Task<InvokeResponse> ExecuteAsync(TurnContext turn, CancellationToken ct)
    {
        // Same validation as the SDK's ActivityHandler.OnAdaptiveCardInvokeAsync.
        if (turn.Activity.Value is not JsonObject value || value["action"] is not JsonObject action)
            return InvokeResponse.Error(400, "BadRequest", "Missing value.action");
        if (action["type"]?.GetValue<string>() != "Action.Execute")
            return InvokeResponse.Error(400, "NotSupported", "Only Action.Execute is supported");
        var verb = action["verb"]?.GetValue<string>();
        var data = action["data"] as JsonObject ?? [];
        if (verb is null || !cardActions.TryGetValue(verb, out var handler))
        {
            LogUnknownVerb(logger, verb ?? "(none)");
            return InvokeResponse.NotImplemented;
        }
        var result = await handler(turn, new CardAction(verb, data, turn.Activity.ReplyToId), ct);
        if (result.Card is { } card)
        {
            // The invoke response replaces the card for the clicking user; the PUT keeps the stored
            // message in step so other devices and later refreshes see the same card. Where messages cannot
            // be updated the invoke response is all there is (a new message would show the card twice).
            if (turn.Activity.ReplyToId is { } id && turn.Capabilities.MessageUpdates)
                await turn.UpdateCardAsync(id, card.DeepClone().AsObject(), ct);
            return InvokeResponse.Card(card);
        }
        return InvokeResponse.Message(result.Message ?? "");
    }

    private async Task SubmitAsync(TurnContext turn, JsonObject value, CancellationToken ct)
    {
        var verb = value[CardAction.VerbKey]?.GetValue<string>();
        if (verb is null || !cardActions.TryGetValue(verb, out var handler))
        {
            LogUnknownVerb(logger, verb ?? "(none)");
            await turn.SendTextAsync("这个按钮已失效，请发送“帮助”查看可用的功能。", ct);
            return;
        }
        var result = await handler(turn, new CardAction(verb, value, turn.Activity.ReplyToId), ct);
        if (result.Card is { } card)
            await turn.ReplaceCardAsync(turn.Activity.ReplyToId, card, ct);
        if (result.Message is { Length: > 0 } message)
            await turn.SendTextAsync(message, ct);
    }

    private async Task TextAsync(TurnContext turn, CancellationToken ct)
    {
        if (turn.Activity.IsGroup && !turn.MentionsBot())
            return; // in group chats and channels the bot speaks only when spoken to
        if (turn.Text.Length == 0)
            return;
        foreach (var route in textRoutes)
        {
            if (await route.Match(turn, ct))
            {
                LogRoute(logger, route.Name, turn.Activity.Id);
                await route.Handler(turn, ct);
                return;
            }
        }
        await turn.SendTextAsync("抱歉，我没有理解。发送“帮助”查看我能做什么。", ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Text routed to {Route} (activity {ActivityId})")]
    private static partial void LogRoute(ILogger logger, string route, string? activityId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Card action with unknown verb {Verb}")]
    private static partial void LogUnknownVerb(ILogger logger, string verb);
}
