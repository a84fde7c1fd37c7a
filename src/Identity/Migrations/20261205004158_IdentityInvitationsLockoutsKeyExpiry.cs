using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Identity.Migrations
{
    /// <inheritdoc />
    internal partial class IdentityInvitationsLockoutsKeyExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "parent_id",
                schema: "identity",
                table: "refresh_tokens",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "expires_at",
                schema: "identity",
                table: "api_keys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "replaced_by",
                schema: "identity",
                table: "api_keys",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "seller_invitations",
                schema: "identity",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    normalized_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    invited_by = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    answered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_seller_invitations", x => x.id);
                    table.ForeignKey(
                        name: "fk_seller_invitations_sellers_seller_id",
                        column: x => x.seller_id,
                        principalSchema: "identity",
                        principalTable: "sellers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sign_in_lockouts",
                schema: "identity",
                columns: table => new
                {
                    key_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    failures = table.Column<int>(type: "integer", nullable: false),
                    lockouts = table.Column<int>(type: "integer", nullable: false),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_failure_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sign_in_lockouts", x => x.key_hash);
                });

            migrationBuilder.CreateIndex(
                name: "ix_refresh_tokens_parent_id",
                schema: "identity",
                table: "refresh_tokens",
                column: "parent_id");

            migrationBuilder.CreateIndex(
                name: "ix_seller_invitations_normalized_email",
                schema: "identity",
                table: "seller_invitations",
                column: "normalized_email");

            migrationBuilder.CreateIndex(
                name: "ix_seller_invitations_seller_id_created_at",
                schema: "identity",
                table: "seller_invitations",
                columns: new[] { "seller_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "seller_invitations",
                schema: "identity");

            migrationBuilder.DropTable(
                name: "sign_in_lockouts",
                schema: "identity");

            migrationBuilder.DropIndex(
                name: "ix_refresh_tokens_parent_id",
                schema: "identity",
                table: "refresh_tokens");

            migrationBuilder.DropColumn(
                name: "parent_id",
                schema: "identity",
                table: "refresh_tokens");

            migrationBuilder.DropColumn(
                name: "expires_at",
                schema: "identity",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "replaced_by",
                schema: "identity",
                table: "api_keys");
        }
    }
}
