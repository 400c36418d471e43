using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.App.Org;

[Flags]
public enum Roles
{
    None = 0,
    Member = 1,
    Leader = 2,
    Admin = 4,
}

/// <summary>A unit of the organization tree (县委组织部 → 干部科 …).</summary>
public sealed class OrgUnit
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>Full path from the root, '/'-separated: 县委组织部/干部科.</summary>
    public required string Path { get; set; }
    public int? ParentId { get; set; }
    public OrgUnit? Parent { get; set; }
}

/// <summary>分管: a leader is in charge of (联系) a unit.</summary>
public sealed class UnitCharge
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public int UnitId { get; set; }
    public OrgUnit? Unit { get; set; }
}

/// <summary>A person of the directory, with the keys that link chat accounts to them.</summary>
public sealed class Person
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Title { get; set; }
    public int? UnitId { get; set; }
    public OrgUnit? Unit { get; set; }
    public Roles Roles { get; set; } = Roles.Member;
    public string? AadObjectId { get; set; }
    /// <summary>UPN or e-mail, stored lower-case.</summary>
    public string? Email { get; set; }
    public string? Mobile { get; set; }
    public string? WeComUserId { get; set; }
    public int? SupervisorId { get; set; }
    /// <summary>For admins: the unit subtree they manage; null means the whole organization.</summary>
    public int? AdminScopeUnitId { get; set; }

    public bool Is(Roles role) => (Roles & role) == role;
}

internal sealed class OrgUnitConfiguration : IEntityTypeConfiguration<OrgUnit>
{
    public void Configure(EntityTypeBuilder<OrgUnit> b)
    {
        b.HasIndex(x => x.Path).IsUnique();
        b.Property(x => x.Path).HasMaxLength(512);
        b.Property(x => x.Name).HasMaxLength(128);
        b.HasOne(x => x.Parent).WithMany().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class UnitChargeConfiguration : IEntityTypeConfiguration<UnitCharge>
{
    public void Configure(EntityTypeBuilder<UnitCharge> b)
    {
        b.HasIndex(x => new { x.PersonId, x.UnitId }).IsUnique();
        b.HasOne<Person>().WithMany().HasForeignKey(x => x.PersonId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Unit).WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> b)
    {
        b.Property(x => x.Name).HasMaxLength(64);
        b.HasIndex(x => x.Email);
        b.HasIndex(x => x.AadObjectId);
        b.HasIndex(x => x.WeComUserId);
        b.HasIndex(x => x.Mobile);
        b.HasOne(x => x.Unit).WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.SetNull);
    }
}
