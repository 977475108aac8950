"""One style sheet: large type, strong contrast, and colour only where it carries meaning.

Green = heard, grey = not yet, amber = closing time or heard but unclear, red = a problem. Read at a glance from arm's length.
"""

STYLE = """
QWidget { font-size: 14px; color: #1d1d1f; }
QMainWindow, #page { background: #fafafa; }
#clock { font-size: 26px; font-weight: 600; font-family: "DejaVu Sans Mono", monospace; }
#closingBanner { background: #ffb300; color: #1d1d1f; font-size: 17px; font-weight: 700;
                 padding: 6px 12px; border-radius: 6px; }
#compact #closingBanner { font-size: 15px; padding: 4px 8px; }
#prompt { background: #fff7d6; border: 2px solid #e8c547; border-radius: 8px; padding: 10px 14px;
          font-size: 21px; font-weight: 600; }
#compact #prompt { font-size: 16px; padding: 6px 8px; }
#sectionTitle { font-size: 12px; font-weight: 700; color: #666; text-transform: uppercase;
                letter-spacing: 1px; margin-top: 4px; }
#item { background: #eeeeee; border: 1px solid #d6d6d6; border-radius: 8px; }
#item[met="true"] { background: #dff3e3; border: 1px solid #4caf50; }
#item[met="unclear"] { background: #fff4d6; border: 1px solid #e0a800; }
#mark { font-size: 22px; color: #9e9e9e; }
#mark[met="true"] { color: #1b7a34; }
#mark[met="unclear"] { color: #b07800; font-weight: 700; }
#compact #mark { font-size: 14px; }
#compact #itemTitle { font-size: 13px; }
#itemTitle { font-size: 16px; font-weight: 700; }
#itemDetail { font-size: 12px; color: #555; }
#arrow { font-size: 18px; color: #999; }
#rung { padding: 3px 8px; border-radius: 5px; color: #8a8a8a; background: transparent; }
#rung[below="true"] { color: #1b7a34; }
#rung[current="true"] { background: #1f5fa8; color: white; font-weight: 700; }
#nextStep { font-size: 15px; padding: 4px 2px; }
#compact #nextStep { font-size: 13px; }
#levelBadge { font-size: 15px; font-weight: 700; color: white; background: #1f5fa8; border-radius: 6px;
              padding: 4px 8px; }
#transcript { background: white; border: 1px solid #ddd; border-radius: 6px; font-size: 14px; }
#coaching { background: white; border: 1px solid #ddd; border-radius: 6px; font-size: 13px; }
#meterLabel { font-size: 12px; color: #555; }
#lag { font-size: 13px; font-weight: 600; padding: 2px 6px; border-radius: 4px; background: #dff3e3; }
#meters { max-width: 300px; }
#lag[level="warn"] { background: #ffe9a8; }
#lag[level="bad"] { background: #ffcdd2; color: #a00; }
#startButton { font-size: 16px; font-weight: 700; padding: 8px 18px; border-radius: 6px;
               background: #1b7a34; color: white; }
#startButton[live="true"] { background: #c62828; }
#startButton:disabled { background: #bdbdbd; color: #f5f5f5; }
#problem { background: #ffebee; color: #8e0000; border: 1px solid #e57373; border-radius: 6px; padding: 6px 10px; }
#verdictHeadline { font-size: 24px; font-weight: 700; color: #8e0000; }
#verdictHeadline[secured="true"] { color: #1b7a34; }
#verdictReason { font-size: 16px; }
#summaryDetails { background: white; border: 1px solid #ddd; border-radius: 6px; }
#consent, #guidance { color: #555; font-size: 12px; }
QPushButton { padding: 6px 10px; }
"""
