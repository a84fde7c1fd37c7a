using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Marketplace.Delivery.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Parcels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "parcel_events",
                schema: "delivery",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    parcel_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_parcel_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "parcels",
                schema: "delivery",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    index = table.Column<int>(type: "integer", nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    carrier_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    tracking_number = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    label_reference = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    booked = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    shipped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_event_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    polled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_parcels", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "shipment_requests",
                schema: "delivery",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    seller_id = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    order_id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shipment_requests", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_parcel_events_parcel_id_at_status",
                schema: "delivery",
                table: "parcel_events",
                columns: new[] { "parcel_id", "at", "status" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_parcels_carrier_id_tracking_number",
                schema: "delivery",
                table: "parcels",
                columns: new[] { "carrier_id", "tracking_number" });

            migrationBuilder.CreateIndex(
                name: "ix_parcels_last_event_at",
                schema: "delivery",
                table: "parcels",
                column: "last_event_at");

            migrationBuilder.CreateIndex(
                name: "ix_parcels_order_id",
                schema: "delivery",
                table: "parcels",
                column: "order_id");

            migrationBuilder.CreateIndex(
                name: "ix_parcels_request_id_index",
                schema: "delivery",
                table: "parcels",
                columns: new[] { "request_id", "index" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_shipment_requests_seller_id_key",
                schema: "delivery",
                table: "shipment_requests",
                columns: new[] { "seller_id", "key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "parcel_events",
                schema: "delivery");

            migrationBuilder.DropTable(
                name: "parcels",
                schema: "delivery");

            migrationBuilder.DropTable(
                name: "shipment_requests",
                schema: "delivery");
        }
    }
}
