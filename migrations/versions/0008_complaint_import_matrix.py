"""complaint classification: owner matrix, chosen industries, unclassified reasons, the four process owners

Revision ID: 0008_complaint_import_matrix
Revises: 0007_fmea_standalone
Create Date: 2026-12-02 07:00:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0008_complaint_import_matrix'
down_revision = '0007_fmea_standalone'
branch_labels = None
depends_on = None

OWNERS = (
    ("production", "Production", "تولید"),
    ("quality", "Quality", "کیفیت"),
    ("sales", "Sales", "فروش"),
    ("service", "Service", "خدمات پس از فروش"),
)
# The phrases shipped before per-industry vocabularies (household appliances only). Those nobody
# edited are removed; the chosen industries' vocabulary replaces them on first use.
OLD_PHRASES = (
    "noise noisy leak door seal compressor paint rust motor defect overheat inspect scratch dent late order invoice "
    "price quote shipping discount payment refund warranty guarantee support hotline technician repair rude "
    "answer call staff behaviour behavior broken damaged missing quality delay delivered waiting expensive cost "
    "charge fee overcharged deliver"
).split() + [
    "stopped working", "arrived broken", "damaged on arrival", "missing part", "missing screw", "quality control",
    "not inspected", "call back", "nobody answers", "no answer", "delivery date", "weeks late", "shipping time",
    "not delivered", "did not show", "respond", "on time",
    "صدا", "نشت", "درب", "در ماشین", "رنگ", "کمپرسور", "موتور", "زنگ زد", "پوسته", "از کار افتاد", "ایراد فنی",
    "داغ می", "درست بسته نمی", "خراب تحویل", "شکسته", "کنترل کیفیت", "قطعه کم", "ناقص", "خط و خش", "ضربه دیده",
    "بازرسی", "کیفیت این محصول", "سفارش", "تحویل", "دیر", "تاخیر", "فاکتور", "قیمت", "هزینه ارسال", "پرداخت",
    "تخفیف", "فروشنده", "ارسال", "گارانتی", "ضمانت", "پشتیبانی", "تلفن", "جواب نمی", "تعمیرکار", "تکنسین",
    "کارشناس", "برخورد", "بی ادب", "تعمیر", "خدمات", "خراب", "ایراد", "کیفیت", "قطعه", "منتظر", "ارسال نشد",
    "تاریخ تحویل", "گران", "مبلغ", "پول", "وارانتی", "شامل گارانتی", "جواب", "پاسخ", "سر وقت نیامد", "اطلاع نداد",
]


def _audited_columns():
    return [
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
    ]


def upgrade():
    op.create_table('vocabulary_industries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        *_audited_columns(),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_vocabulary_industries')),
        sa.UniqueConstraint('key', name=op.f('uq_vocabulary_industries_key')),
        sqlite_autoincrement=True,
    )
    op.create_table('owner_matrix',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=40), nullable=False),
        sa.Column('product', sa.String(length=200), nullable=False),
        sa.Column('channel', sa.String(length=40), nullable=False),
        sa.Column('process_owner_id', sa.Integer(), nullable=False),
        *_audited_columns(),
        sa.ForeignKeyConstraint(['process_owner_id'], ['process_owners.id'], name=op.f('fk_owner_matrix_process_owner_id_process_owners'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_owner_matrix')),
        sa.UniqueConstraint('category', 'product', 'channel', name=op.f('uq_owner_matrix_category')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('classification_rules', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('industry', sa.String(length=40), nullable=True))
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unclassified_reason', sa.String(length=20), nullable=True))

    # The four process owners exist from the first upgrade on (a project for "service" needs one).
    owners = sa.table('process_owners', sa.column('key', sa.String), sa.column('name_en', sa.String), sa.column('name_fa', sa.String),
                      sa.column('active', sa.Boolean), sa.column('sort_order', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
                      sa.column('updated_at', sa.DateTime(timezone=True)), sa.column('version', sa.Integer))
    bind = op.get_bind()
    existing = set(bind.execute(sa.text("SELECT key FROM process_owners")).scalars())
    now = datetime.now(UTC)
    missing = [
        {"key": k, "name_en": en, "name_fa": fa, "active": True, "sort_order": i, "created_at": now, "updated_at": now, "version": 1}
        for i, (k, en, fa) in enumerate(OWNERS) if k not in existing
    ]
    if missing:
        op.bulk_insert(owners, missing)
    rules = sa.table('classification_rules', sa.column('phrase', sa.String), sa.column('version', sa.Integer), sa.column('industry', sa.String))
    bind.execute(sa.delete(rules).where(rules.c.phrase.in_(OLD_PHRASES), rules.c.version == 1, rules.c.industry.is_(None)))


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('unclassified_reason')
    with op.batch_alter_table('classification_rules', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('industry')
    op.drop_table('owner_matrix')
    op.drop_table('vocabulary_industries')
