using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Bot.Protocol.WeCom;

/// <summary>Failure codes of the official WXBizMsgCrypt libraries (加解密库返回码).</summary>
public enum WeComCryptoError
{
    SignatureInvalid = -40001,
    ParseXml = -40002,
    IllegalAesKey = -40004,
    ReceiveIdMismatch = -40005,
    DecryptFailed = -40007,
    IllegalBuffer = -40008,
    Base64Decode = -40010,
}

public sealed class WeComCryptoException(WeComCryptoError error, string message) : Exception(message)
{
    public WeComCryptoError Error { get; } = error;
}

/// <summary>
/// The callback encryption scheme (加解密方案): SHA1 msg_signature, AES-256-CBC with IV = key[0..16],
/// PKCS#7 padded to 32-byte blocks, plaintext = random16 ‖ BE32(byte length) ‖ msg ‖ receiveid.
/// </summary>
public sealed class WeComCrypto
{
    private const int PadBlock = 32;
    private readonly string token;
    private readonly byte[] key;
    private readonly string receiveId;

    public WeComCrypto(string token, string encodingAesKey, string receiveId)
    {
        if (encodingAesKey.Length != 43)
            throw new WeComCryptoException(WeComCryptoError.IllegalAesKey, "EncodingAESKey must be 43 characters.");
        try
        {
            key = Convert.FromBase64String(encodingAesKey + "=");
        }
        catch (FormatException)
        {
            throw new WeComCryptoException(WeComCryptoError.IllegalAesKey, "EncodingAESKey is not base64.");
        }
        if (key.Length != 32)
            throw new WeComCryptoException(WeComCryptoError.IllegalAesKey, "EncodingAESKey must decode to 32 bytes.");
        this.token = token;
        this.receiveId = receiveId;
    }

    public string ReceiveId => receiveId;

    /// <summary>hex_lower(SHA1(ordinal-sorted concatenation of token, timestamp, nonce, encrypt)).</summary>
    public string Sign(string timestamp, string nonce, string encrypt)
    {
        string[] parts = [token, timestamp, nonce, encrypt];
        Array.Sort(parts, StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts))));
    }

    public bool VerifySignature(string? signature, string timestamp, string nonce, string encrypt)
    {
        if (string.IsNullOrEmpty(signature))
            return false;
        var expected = Encoding.ASCII.GetBytes(Sign(timestamp, nonce, encrypt));
        var given = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>GET URL verification: checks the signature over echostr and returns its plaintext.</summary>
    public string VerifyUrl(string? signature, string timestamp, string nonce, string echostr)
    {
        if (!VerifySignature(signature, timestamp, nonce, echostr))
            throw new WeComCryptoException(WeComCryptoError.SignatureInvalid, "msg_signature does not match echostr.");
        return Decrypt(echostr);
    }

    /// <summary>POST: reads <c>Encrypt</c> from the envelope, checks the signature over it and decrypts it.</summary>
    public string DecryptMessage(string? signature, string timestamp, string nonce, string envelopeXml)
    {
        var encrypt = WeComXml.Parse(envelopeXml).Element("Encrypt")?.Value;
        if (string.IsNullOrEmpty(encrypt))
            throw new WeComCryptoException(WeComCryptoError.ParseXml, "The envelope has no Encrypt element.");
        if (!VerifySignature(signature, timestamp, nonce, encrypt))
            throw new WeComCryptoException(WeComCryptoError.SignatureInvalid, "msg_signature does not match Encrypt.");
        return Decrypt(encrypt);
    }

    /// <summary>Passive reply envelope: the encrypted reply, signed with the given timestamp and nonce.</summary>
    public string EncryptReply(string replyXml, string timestamp, string nonce, byte[]? random = null)
    {
        var encrypt = Encrypt(replyXml, random);
        return "<xml><Encrypt>" + WeComXml.CData(encrypt) + "</Encrypt><MsgSignature>" + WeComXml.CData(Sign(timestamp, nonce, encrypt))
               + "</MsgSignature><TimeStamp>" + timestamp + "</TimeStamp><Nonce>" + WeComXml.CData(nonce) + "</Nonce></xml>";
    }

    public string Encrypt(string message, byte[]? random = null)
    {
        random ??= RandomNumberGenerator.GetBytes(16);
        if (random.Length != 16)
            throw new ArgumentException("The random prefix is 16 bytes.", nameof(random));
        var msg = Encoding.UTF8.GetBytes(message);
        var id = Encoding.UTF8.GetBytes(receiveId);
        var plainLength = 20 + msg.Length + id.Length;
        var pad = PadBlock - plainLength % PadBlock;
        var plain = new byte[plainLength + pad];
        random.CopyTo(plain, 0);
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16), msg.Length);
        msg.CopyTo(plain, 20);
        id.CopyTo(plain, 20 + msg.Length);
        plain.AsSpan(plainLength).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = key;
        // .NET's PKCS7 mode only accepts pad values up to the 16-byte AES block; WeCom pads to 32.
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>Decrypts and checks that the receive id is ours (the official libraries' -40005).</summary>
    public string Decrypt(string encrypt)
    {
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(encrypt);
        }
        catch (FormatException)
        {
            throw new WeComCryptoException(WeComCryptoError.Base64Decode, "Encrypt is not base64.");
        }
        if (cipher.Length == 0 || cipher.Length % 16 != 0)
            throw new WeComCryptoException(WeComCryptoError.DecryptFailed, "Ciphertext length is not a multiple of the AES block.");
        byte[] plain;
        using (var aes = Aes.Create())
        {
            aes.Key = key;
            plain = aes.DecryptCbc(cipher, key.AsSpan(0, 16), PaddingMode.None);
        }
        var pad = plain[^1];
        if (pad is < 1 or > PadBlock || pad > plain.Length || plain.AsSpan(plain.Length - pad).ContainsAnyExcept(pad))
            throw new WeComCryptoException(WeComCryptoError.IllegalBuffer, "Invalid PKCS#7 padding.");
        var content = plain.AsSpan(0, plain.Length - pad);
        if (content.Length < 20)
            throw new WeComCryptoException(WeComCryptoError.IllegalBuffer, "Decrypted buffer too short.");
        var length = BinaryPrimitives.ReadInt32BigEndian(content[16..]);
        if (length < 0 || length > content.Length - 20)
            throw new WeComCryptoException(WeComCryptoError.IllegalBuffer, "Message length field out of range.");
        var id = content[(20 + length)..];
        if (!CryptographicOperations.FixedTimeEquals(id, Encoding.UTF8.GetBytes(receiveId)))
            throw new WeComCryptoException(WeComCryptoError.ReceiveIdMismatch, "ReceiveId does not match the CorpID.");
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content.Slice(20, length));
        }
        catch (DecoderFallbackException)
        {
            throw new WeComCryptoException(WeComCryptoError.IllegalBuffer, "Message is not UTF-8.");
        }
    }
}
