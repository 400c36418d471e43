using System.Text;
using Bot.Protocol.WeCom;

namespace Bot.Tests.WeCom;

/// <summary>The callback crypto against the official vectors (Sample.php / 加解密方案说明) and its edge cases.</summary>
public sealed class WeComCryptoTests
{
    public const string Token = "QDG6eK";
    public const string AesKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    public const string CorpId = "wx5823bf96d3bd56c7";
    public const string OfficialEchoStr = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
    public const string OfficialPostEncrypt = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
    public const string DeterministicMessage = "<xml><ToUserName><![CDATA[mycreate]]></ToUserName><Content><![CDATA[廉政约谈已完成]]></Content></xml>";
    public const string DeterministicEncrypt = "sKqRbbiSUnDhFHOvPjtUMRlTPGETNIYSeXciTz3NsULmsockewLOgpVYVQc/rfSIDNX+vEOF9Yh8RrXup6KiWEiL4mMdenVYkG1P1La2W0JytwSV7zEC8b08Yoia6dl+kRToIxxE45NSKLaGnsPXhxgibEbbQ5tpI7LobdlVBRnobL3+55tdXmxtDf0QVAE6wHsuUvTU3DkbK0zO8GUZCA==";

    private static readonly WeComCrypto Crypto = new(Token, AesKey, CorpId);

    [Fact]
    public void OfficialUrlVerificationVectorYieldsTheEchoPlaintext() =>
        Assert.Equal("1616140317555161061",
            Crypto.VerifyUrl("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780", OfficialEchoStr));

    [Fact]
    public void OfficialPostVectorDecryptsToTheHelloTextMessage()
    {
        var envelope = $"<xml><ToUserName><![CDATA[{CorpId}]]></ToUserName><Encrypt><![CDATA[{OfficialPostEncrypt}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>";
        var plain = Crypto.DecryptMessage("477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149", envelope);
        var message = CallbackMessage.Parse(plain);
        Assert.Equal("text", message.MsgType);
        Assert.Equal("hello", message.Content);
        Assert.Equal("mycreate", message.FromUserName);
        Assert.Equal("4561255354251345929", message.MsgId);
        Assert.Equal("218", message.AgentId);
        Assert.Equal("4561255354251345929", message.DedupKey);
    }

    [Fact]
    public void DeterministicVectorMatchesByteForByteAndItsSignature()
    {
        var encrypt = Crypto.Encrypt(DeterministicMessage, Encoding.ASCII.GetBytes("0123456789abcdef"));
        Assert.Equal(DeterministicEncrypt, encrypt);
        Assert.Equal("ea35a031102be691a4f8bb783bfc15a2976631bc", Crypto.Sign("1700000000", "nonce123", encrypt));
        Assert.Equal(DeterministicMessage, Crypto.Decrypt(encrypt));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(28)]
    [InlineData(44)]
    [InlineData(45)]
    [InlineData(60)]
    [InlineData(100)]
    public void EveryPaddingLengthRoundTripsIncludingFullBlocks(int chars)
    {
        var message = new string('约', chars / 3) + new string('a', chars - chars / 3);
        var cipher = Convert.FromBase64String(Crypto.Encrypt(message));
        Assert.Equal(0, cipher.Length % 32);
        Assert.Equal(message, Crypto.Decrypt(Convert.ToBase64String(cipher)));
    }

    [Fact]
    public void AlignedPlaintextGetsAWhole32BytePadBlock()
    {
        // 16 random + 4 length + 26-byte message + 18-byte CorpID = 64 bytes: PKCS#7 adds a full block.
        var aligned = Convert.FromBase64String(Crypto.Encrypt(new string('x', 26)));
        Assert.Equal(96, aligned.Length);
    }

    [Fact]
    public void AnotherCorpsMessageIsRejectedAsReceiveIdMismatch()
    {
        var foreign = new WeComCrypto(Token, AesKey, "wwsomeoneelse").Encrypt("<xml/>");
        var ex = Assert.Throws<WeComCryptoException>(() => Crypto.Decrypt(foreign));
        Assert.Equal(WeComCryptoError.ReceiveIdMismatch, ex.Error);
    }

    [Fact]
    public void BadSignatureIsRejectedBeforeDecrypting()
    {
        var ex = Assert.Throws<WeComCryptoException>(() =>
            Crypto.VerifyUrl("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd4", "1409659589", "263014780", OfficialEchoStr));
        Assert.Equal(WeComCryptoError.SignatureInvalid, ex.Error);
        Assert.False(Crypto.VerifySignature(null, "1", "2", "3"));
    }

    [Fact]
    public void TamperedCiphertextIsRejected()
    {
        var bytes = Convert.FromBase64String(DeterministicEncrypt);
        bytes[^1] ^= 0x5a; // breaks the padding of the last block
        Assert.Throws<WeComCryptoException>(() => Crypto.Decrypt(Convert.ToBase64String(bytes)));
        bytes = Convert.FromBase64String(DeterministicEncrypt);
        bytes[0] ^= 0x01; // corrupts the random prefix and, via CBC, the length field's block
        var tampered = Convert.ToBase64String(bytes);
        Assert.NotEqual(DeterministicMessage, TryDecrypt(tampered));
        Assert.Throws<WeComCryptoException>(() => Crypto.Decrypt("not base64!"));
    }

    private static string? TryDecrypt(string encrypt)
    {
        try { return Crypto.Decrypt(encrypt); }
        catch (WeComCryptoException) { return null; }
    }

    [Fact]
    public void XmlWithADoctypeIsRefused()
    {
        const string xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><xml><Content>&x;</Content></xml>";
        var ex = Assert.Throws<WeComCryptoException>(() => CallbackMessage.Parse(xxe));
        Assert.Equal(WeComCryptoError.ParseXml, ex.Error);
    }

    [Fact]
    public void MalformedKeyIsRefused()
    {
        Assert.Equal(WeComCryptoError.IllegalAesKey, Assert.Throws<WeComCryptoException>(() => new WeComCrypto(Token, "short", CorpId)).Error);
    }

    [Fact]
    public void TemplateCardEventCarriesTaskKeyCodeAndSelections()
    {
        const string xml = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456789</CreateTime>" +
            "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[key111]]></EventKey>" +
            "<TaskId><![CDATA[taskid111]]></TaskId><CardType><![CDATA[text_notice]]></CardType><ResponseCode><![CDATA[ResponseCode]]></ResponseCode>" +
            "<AgentID>1</AgentID><SelectedItems><SelectedItem><QuestionKey><![CDATA[QuestionKey1]]></QuestionKey><OptionIds><OptionId><![CDATA[OptionId1]]></OptionId>" +
            "<OptionId><![CDATA[OptionId2]]></OptionId></OptionIds></SelectedItem></SelectedItems></xml>";
        var m = CallbackMessage.Parse(xml);
        Assert.True(m.IsEventNamed("TEMPLATE_CARD_EVENT"));
        Assert.Equal(("key111", "taskid111", "ResponseCode"), (m.EventKey, m.TaskId, m.ResponseCode));
        Assert.Equal(["OptionId1", "OptionId2"], m.SelectedItems![0].OptionIds);
        var retried = CallbackMessage.Parse(xml);
        Assert.Equal(m.DedupKey, retried.DedupKey);
        Assert.NotEqual(m.DedupKey, CallbackMessage.Parse(xml.Replace("key111", "key222")).DedupKey);
    }

    [Fact]
    public void CDataSplitsTheTerminatorInsideValues() =>
        Assert.Equal("<![CDATA[a]]]]><![CDATA[>b]]>", WeComXml.CData("a]]>b"));
}
