namespace Bot.Protocol.WeCom;

/// <summary>A non-zero <c>errcode</c> (全局错误码). Branch on <see cref="ErrCode"/>, never on the message text.</summary>
public sealed class WeComApiException(int errCode, string? errMsg, string path)
    : Exception($"WeCom {path} failed: errcode {errCode} {errMsg}")
{
    public int ErrCode { get; } = errCode;
    public string? ErrMsg { get; } = errMsg;
    public string Path { get; } = path;

    public const int SystemBusy = -1;
    public const int NetworkError = -100;

    /// <summary>Invalid / expired / missing access_token: refresh once, retry once.</summary>
    public static bool IsTokenError(int code) => code is 40014 or 42001 or 41001;

    /// <summary>Frequency (45009) or concurrency (45033) limit: back off at least a minute.</summary>
    public static bool IsThrottled(int code) => code is 45009 or 45033;

    /// <summary>Deployment mistakes an operator must fix (可信IP, secret, CorpID, visible range).</summary>
    public bool IsConfigurationError => ErrCode is 60020 or 40001 or 40013 or 40091 or 81013 or 60011;

    /// <summary>template_card field errors (42027–42051) and over-long content (45002, 40058).</summary>
    public bool IsContentError => ErrCode is >= 42027 and <= 42051 or 45002 or 40058;
}
